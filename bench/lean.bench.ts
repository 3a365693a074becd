/**
 * npm run bench:lean — memory and start-up of the shipped processes (issue 14), in a lab:
 * 1. idle: speaker and controller RSS once both are ready and the lab has settled;
 * 2. start-up: with the controller stopped, one Service waits; time controller start -> its IP
 *    (BENCH_START_ROUNDS rounds, each a fresh process);
 * 3. loaded: BENCH_SERVICES LoadBalancer Services (32 creates in flight), all with IPs, then settle;
 *    speaker and controller RSS, sampled over BENCH_SETTLE_S (40) seconds (last sample and the
 *    highest): long enough for idle API connections to close (15 s) and the controller's heap trim
 *    (20 s after its queue drains) to follow, so the last sample is the steady state.
 * 4. Node's floor: a process with each role's flags that loads only what either needs of Node (https,
 *    a TLS context, an HTTP server) and none of BareLB: about the lowest either could weigh.
 * RSS is VmRSS from /proc of the real processes (the lab's recorded pids). Host-process nodes: the
 * controller and speakers run as plain processes with deploy/'s V8 flags (NODE_FLAGS), so start ->
 * first IP is the process's own start-up, not a Pod's scheduling and container start.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig, type V1Service, Watch } from '@kubernetes/client-node';
import { NODE_FLAGS } from '../src/lab/install/barelb-specs.js';
import { Lab } from '../src/lab/lab.js';
import { ensureNamespace } from '../src/lab/workloads/namespaces.js';
import { cpuSeconds, pool, quantile } from './lab-bench-util.js';
import { nodeFloor } from './node-floor.js';
import { rssText, sampleRss } from './rss-sampling.js';

const N = Number(process.env.BENCH_SERVICES ?? 1000);
const START_ROUNDS = Number(process.env.BENCH_START_ROUNDS ?? 5);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 40);
const NODES = Number(process.env.BENCH_NODES ?? 1);

const svc = (name: string, ns: string): V1Service => ({
  metadata: { name, namespace: ns },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 8080 }], selector: { app: name } },
});

/** Resolves with the time (performance.now) each named Service first shows an IP in status. */
async function watchIps(kc: KubeConfig, ns: string) {
  const seen = new Map<string, number>();
  const waiters: { name: string | undefined; count: number; resolve: () => void }[] = [];
  const check = () => {
    for (const w of waiters.splice(0)) {
      if ((w.name !== undefined && seen.has(w.name)) || (w.name === undefined && seen.size >= w.count))
        w.resolve();
      else waiters.push(w);
    }
  };
  // The API server closes a watch whose reader falls behind (as in a 1,000-Service burst, see
  // bulk-services.ts); the watch starts again at once, and its initial list brings what it missed.
  let stopped = false;
  let req: AbortController | undefined;
  const watch = async (): Promise<void> => {
    req = await new Watch(kc).watch(
      `/api/v1/namespaces/${ns}/services`,
      {},
      (_type, obj: V1Service) => {
        const name = obj.metadata?.name ?? '';
        if (!seen.has(name) && (obj.status?.loadBalancer?.ingress?.length ?? 0) > 0) {
          seen.set(name, performance.now());
          check();
        }
      },
      () => {
        if (!stopped) setTimeout(() => void watch().catch(() => {}), 100);
      },
    );
  };
  await watch();
  const wait = (name: string | undefined, count: number) =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ name, count, resolve });
      check();
      setTimeout(() => reject(new Error(`timed out waiting for ${name ?? `${count} IPs`}`)), 300_000).unref();
    });
  return {
    seen,
    ip: (name: string) => wait(name, 0),
    all: (n: number) => wait(undefined, n),
    stop: () => {
      stopped = true;
      req?.abort();
    },
  };
}

const lab = await Lab.start({
  nodes: NODES,
  realNodes: false,
  stateDir: join(tmpdir(), `barelb-bench-lean-${process.pid}`),
  dieWithParent: true,
  demo: false,
});
try {
  const kc = lab.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const speakers = lab.nodes.map((n) => `speaker-${n}`);
  const components = ['controller', ...speakers];
  // The lab pool holds 241 addresses; the benchmark needs N.
  await lab.exec('cp', ['kubectl', 'apply', '-f', '-'], {
    input: `apiVersion: barelb.io/v1alpha1\nkind: IPAddressPool\nmetadata: {name: bench, namespace: barelb-system}\nspec:\n  addresses: ["198.18.${lab.addresses.index * 16 + 8}.0/22"]\n  serviceAllocation: {priority: 1}\n`,
  });
  await ensureNamespace(core, 'bench');
  const ips = await watchIps(kc, 'bench');

  // 1. Idle.
  const idle = (await sampleRss(lab, components, SETTLE_S)).map(rssText);

  // 2. Controller start -> first IP, each round a fresh process and one waiting Service.
  const startMs: number[] = [];
  for (let r = 0; r < START_ROUNDS; r++) {
    await lab.stopComponent('controller');
    const name = `first-${r}`;
    await core.createNamespacedService({ namespace: 'bench', body: svc(name, 'bench') });
    await sleep(500);
    const t0 = performance.now();
    await lab.restart('controller');
    await ips.ip(name);
    startMs.push((ips.seen.get(name) ?? Number.NaN) - t0);
    await core.deleteNamespacedService({ namespace: 'bench', name });
  }
  await sleep(3_000);

  // 3. Loaded.
  const cpuOf = async () =>
    Promise.all([...components, 'kube-apiserver'].map(async (c) => cpuSeconds(await lab.componentPid(c))));
  const cpu0 = await cpuOf();
  const t0 = performance.now();
  await pool([...Array(N).keys()], 32, async (i) => {
    await core.createNamespacedService({ namespace: 'bench', body: svc(`b${i}`, 'bench') });
  });
  await ips.all(N + START_ROUNDS);
  const allocatedS = (performance.now() - t0) / 1000;
  const cpu = (await cpuOf()).map((c, i) => c - (cpu0[i] ?? 0));
  const loaded = (await sampleRss(lab, components, SETTLE_S)).map(rssText);
  ips.stop();
  // Node's own share, with each role's flags, in the same run: the lowest either process could weigh.
  const floors = [];
  // A floor that cannot be measured prints NaN rather than losing the run's other figures.
  for (const role of ['speaker', 'controller'] as const)
    floors.push({
      role,
      ...(await nodeFloor(NODE_FLAGS[role]).catch(() => ({ rss: Number.NaN, anon: Number.NaN }))),
    });

  console.log(`nodes ${NODES}, services ${N}, settle ${SETTLE_S} s, node ${process.version}`);
  console.log(`idle RSS (last, max over ${SETTLE_S} s):          ${idle.join('; ')}`);
  console.log(`with ${N} Services RSS (last, max over ${SETTLE_S} s): ${loaded.join('; ')}`);
  for (const f of floors)
    console.log(
      `Node's floor with the ${f.role}'s flags (https, a TLS context and an HTTP server, none of BareLB): ${f.rss.toFixed(1)} MiB (anonymous ${f.anon.toFixed(1)} MiB)`,
    );
  console.log(
    `controller start -> first IP (${START_ROUNDS} rounds): p50 ${quantile(startMs, 0.5).toFixed(0)} ms, min ${Math.min(...startMs).toFixed(0)} ms, max ${Math.max(...startMs).toFixed(0)} ms (${startMs.map((m) => m.toFixed(0)).join(', ')})`,
  );
  console.log(`${N} Services created and allocated in ${allocatedS.toFixed(1)} s`);
  console.log(
    `CPU meanwhile: ${[...components, 'kube-apiserver'].map((c, i) => `${c} ${(cpu[i] ?? 0).toFixed(1)} s`).join(', ')}`,
  );
  // A kubeconfig our loader cannot read would bring client-node back, and its memory with it.
  const fellBack = components.filter((c) =>
    readFileSync(join(lab.paths().logs, `${c}.log`), 'utf8').includes('kubeconfig_fallback'),
  );
  console.log(`client-node fallback used by: ${fellBack.length > 0 ? fellBack.join(', ') : 'none'}`);
} finally {
  await lab.stop();
}
