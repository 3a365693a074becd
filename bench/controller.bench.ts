/**
 * npm run bench:controller — in a lab:
 * 1. the physical limit: how long a bare client takes to patch 1,000 Service statuses (the faster
 *    of two concurrencies, measured twice), and how long the same creates take with no controller
 *    acting on them;
 * 2. live: create 1,000 LoadBalancer Services as fast as the apiserver takes them and measure
 *    create → IP in status (p50/p99/max) and the total, first create → last IP; split into the
 *    create call's own time (the API server's part, also printed for step 1's creates, where no
 *    controller works) and create answered → IP (the controller's part);
 * 3. backlog: with the controller stopped, create 1,000 more, start it, and time start → last IP.
 *    The live total can never beat the create rate, which on a small apiserver is far slower than
 *    the patch rate; the backlog run is the controller's own throughput against the same limit.
 * Prints the CPU the controller and kube-apiserver used in the backlog, and the controller's RSS.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Lab } from '../src/lab/lab.js';
import { createServices, deleteServices, watchCreateToIp } from './bulk-services.js';
import { cpuSeconds, pool, quantile, rssMiB } from './lab-bench-util.js';

const N = Number(process.env.BENCH_SERVICES ?? 1000);
/**
 * The bare client patches with as many requests in flight as the controller has workers, and with
 * four times as many; the faster is the limit. On this apiserver more in flight is often faster, so
 * one concurrency alone would flatter the controller.
 */
const LIMIT_CONCURRENCY = [32, 128] as const;

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** How long each create call took, by Service index: hooks for createServices, and the times. */
function callTimes() {
  const sent = new Map<number, number>();
  const ms = new Map<number, number>();
  return {
    ms,
    all: () => [...ms.values()],
    hooks: {
      before: (i: number) => sent.set(i, performance.now()),
      after: (i: number) => ms.set(i, performance.now() - (sent.get(i) ?? Number.NaN)),
    },
  };
}

// Host processes: the backlog needs one controller that stays stopped while Services queue up. On real
// nodes deploy/'s standby replica takes over at once and the kubelet restarts a stopped container, so the
// "backlog" was allocated as it was created (a run at 7b240cb printed "allocated 1" after waiting 250 s).
const lab = await Lab.start({
  nodes: 1,
  stateDir: join(tmpdir(), `barelb-bench-controller-${process.pid}`),
  dieWithParent: true,
  realNodes: false,
  controllers: 1,
  speakers: false,
  demo: false,
});
try {
  const kc = lab.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  // The lab pool holds 241 addresses; the benchmark needs N.
  await lab.exec('cp', ['kubectl', 'apply', '-f', '-'], {
    input: `apiVersion: barelb.io/v1alpha1\nkind: IPAddressPool\nmetadata: {name: bench, namespace: barelb-system}\nspec:\n  addresses: ["198.18.${lab.addresses.index * 16 + 8}.0/22"]\n  serviceAllocation: {priority: 1}\n`,
  });

  // 1. The physical limit: a bare client, one status patch per Service, on Services no controller owns.
  const limitCreateStart = performance.now();
  // Each create call's own time, with no controller acting on the Services: the API server's answer
  // alone, which bounds create -> IP from below.
  const bareCreate = callTimes();
  await createServices(core, 'limit', N, {
    prefix: 'l',
    cls: 'example.com/nobody',
    ipv6ClusterIp: true,
    ...bareCreate.hooks,
  });
  const limitCreateMs = performance.now() - limitCreateStart;
  // The same creates with more in flight: if they went faster, the live run would be creating too
  // slowly. These Services go again before the live run, so every later list stays the same size.
  const moreCreateStart = performance.now();
  await createServices(core, 'creates', N, {
    prefix: 'c',
    cls: 'example.com/nobody',
    ipv6ClusterIp: true,
    concurrency: 128,
  });
  const moreCreateMs = performance.now() - moreCreateStart;
  await deleteServices(core, 'creates', N, 'c');
  const patch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  // Each round writes other addresses, so every patch is a real write. The limit is measured before
  // the live run and again before the backlog run: the machine's noise moves it, and the mean of
  // the two is what both runs are compared with.
  let round = 0;
  const patchAll = async (concurrency: number): Promise<number> => {
    const r = round++;
    const t0 = performance.now();
    await pool([...Array(N).keys()], concurrency, async (i) => {
      const ip = `198.18.${200 + r * 4 + Math.floor(i / 250)}.${(i % 250) + 1}`;
      await core.patchNamespacedServiceStatus(
        {
          name: `l${i}`,
          namespace: 'limit',
          body: { status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } },
        },
        patch,
      );
    });
    return performance.now() - t0;
  };
  const limitRuns: string[] = [];
  const measureLimit = async (): Promise<number> => {
    let best = Number.POSITIVE_INFINITY;
    for (const c of LIMIT_CONCURRENCY) {
      const ms = await patchAll(c);
      limitRuns.push(`${fmt(ms)} with ${c} in flight`);
      best = Math.min(best, ms);
    }
    return best;
  };
  const limit1 = await measureLimit();

  // 2. Live: create N Services, watch for their IPs.
  const live = await watchCreateToIp(kc, 'bench', N);
  const start = performance.now();
  const liveCreate = callTimes();
  await createServices(core, 'bench', N, {
    before: (i) => {
      live.created.set(`b${i}`, performance.now());
      liveCreate.hooks.before(i);
    },
    after: liveCreate.hooks.after,
  });
  const createdMs = performance.now() - start;
  await live.allDone;
  const totalMs = performance.now() - start;
  live.stop();
  const l = [...live.latency.values()];
  // From the create's answer to the IP: what is left once the API server has stored the Service.
  // The IP can be seen before the create's answer arrives (the answer is the slower on a busy API
  // server): that Service waited for the controller not at all, so 0.
  const fromAnswer = [...live.latency.entries()].map(([name, ms]) =>
    Math.max(0, ms - (liveCreate.ms.get(Number(name.slice(1))) ?? Number.NaN)),
  );

  // 3. Backlog: N Services wait for a stopped controller; time its start to the last IP. The
  // controller lists, rebuilds and takes the Lease on start, and all of that is counted. The live
  // Services go first, to free the ClusterIPs, NodePorts and pool addresses the backlog needs.
  await lab.stopComponent('controller');
  const limit2 = await measureLimit();
  const limitMs = (limit1 + limit2) / 2;
  await deleteServices(core, 'bench', N, 'b');
  const backlog = await watchCreateToIp(kc, 'backlog', N);
  await createServices(core, 'backlog', N);
  const apiserverCpu0 = cpuSeconds(await lab.componentPid('kube-apiserver'));
  const restartAt = performance.now();
  for (let i = 0; i < N; i++) backlog.created.set(`b${i}`, restartAt);
  await lab.restart('controller');
  await backlog.allDone;
  const backlogMs = performance.now() - restartAt;
  const backlogCpu = cpuSeconds(await lab.componentPid('controller'));
  const apiserverCpu1 = cpuSeconds(await lab.componentPid('kube-apiserver'));
  backlog.stop();
  const firstIpMs = Math.min(...backlog.latency.values());

  const rss = rssMiB(await lab.componentPid('controller'));
  console.log(`bare client, ${N} status patches: ${limitRuns.join(', ')}`);
  console.log(
    `the limit (mean of the faster of each pair): ${fmt(limitMs)} (${fmt(limit1)} and ${fmt(limit2)})`,
  );
  console.log(`live: services ${N}, allocated ${l.length}`);
  console.log(
    `live: create calls finished after:     ${fmt(createdMs)} (${N} creates of Services no controller owns: ${fmt(limitCreateMs)}; with 128 in flight: ${fmt(moreCreateMs)})`,
  );
  console.log(`live: create -> IP in status  p50:     ${fmt(quantile(l, 0.5))}`);
  console.log(`live: create -> IP in status  p99:     ${fmt(quantile(l, 0.99))}`);
  console.log(`live: create -> IP in status  max:     ${fmt(quantile(l, 1))}`);
  console.log(
    `live: create call answered p50 / p99:  ${fmt(quantile(liveCreate.all(), 0.5))} / ${fmt(quantile(liveCreate.all(), 0.99))} (the API server's answer, slowed by all the cluster does meanwhile, the controller's writes included; with no controller work: ${fmt(quantile(bareCreate.all(), 0.5))} / ${fmt(quantile(bareCreate.all(), 0.99))})`,
  );
  console.log(
    `live: create answered -> IP p50 / p99: ${fmt(quantile(fromAnswer, 0.5))} / ${fmt(quantile(fromAnswer, 0.99))} (what is left once the create is answered; percentiles do not add up)`,
  );
  console.log(`live: total (first create -> last IP): ${fmt(totalMs)}`);
  console.log(
    `live: ratio total / patch limit:       ${(totalMs / limitMs).toFixed(2)} (bound by the create rate)`,
  );
  // The same creates and patches on an apiserver doing nothing else: the floor for the live run,
  // which also carries the Events and the controller's own CPU on the same cores.
  console.log(
    `live: ratio total / (bare creates + limit): ${(totalMs / (limitCreateMs + limitMs)).toFixed(2)}`,
  );
  console.log(`backlog: services ${N}, allocated ${backlog.latency.size}`);
  // A figure over fewer Services than created measures a timeout, not the controller: say so loudly.
  if (backlog.latency.size < N) {
    console.error(`backlog: only ${backlog.latency.size} of ${N} got an IP after the controller's start`);
    process.exitCode = 1;
  }
  console.log(`backlog: controller start -> first IP: ${fmt(firstIpMs)}`);
  console.log(`backlog: controller start -> last IP:  ${fmt(backlogMs)}`);
  console.log(`backlog: first IP -> last IP:          ${fmt(backlogMs - firstIpMs)}`);
  console.log(`backlog: ratio start->last / limit:    ${(backlogMs / limitMs).toFixed(2)}`);
  console.log(`backlog: ratio first->last / limit:    ${((backlogMs - firstIpMs) / limitMs).toFixed(2)}`);
  console.log(
    `backlog: CPU used: controller ${backlogCpu.toFixed(2)} s, kube-apiserver ${(apiserverCpu1 - apiserverCpu0).toFixed(2)} s`,
  );
  console.log(`controller RSS: ${rss.toFixed(1)} MiB`);
} finally {
  await lab.stop();
}
