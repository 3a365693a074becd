/**
 * npm run bench:controller — in a lab: create 1,000 LoadBalancer Services as fast as the apiserver
 * takes them and measure create → IP in status (p50/p99/max, total); in the same run, measure how fast
 * a bare client patches 1,000 Service statuses on the same apiserver (the physical limit); print the
 * controller's RSS.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Service, Watch } from '@kubernetes/client-node';
import { Lab } from '../src/lab/lab.js';
import { ensureNamespace } from '../src/lab/workload.js';
import { pool, quantile, rssMiB } from './lab-bench-util.js';

const N = Number(process.env.BENCH_SERVICES ?? 1000);
const CONCURRENCY = 32;

const svc = (name: string, ns: string, cls?: string): V1Service => ({
  metadata: { name, namespace: ns },
  spec: {
    type: 'LoadBalancer',
    ports: [{ port: 80, targetPort: 8080 }],
    selector: { app: name },
    // The lab's IPv4 ClusterIP range (/22) holds about 1,000 Services, so the limit's Services take
    // IPv6 ClusterIPs; only their LoadBalancer status is written, which costs the same either way.
    ...(cls ? { loadBalancerClass: cls, ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' } : {}),
  },
});

const lab = await Lab.start({
  nodes: 1,
  stateDir: join(tmpdir(), `barelb-bench-controller-${process.pid}`),
  dieWithParent: true,
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
  await ensureNamespace(core, 'bench');
  await ensureNamespace(core, 'limit');

  // 1. The physical limit: a bare client, one status patch per Service, on Services no controller owns.
  await pool([...Array(N).keys()], CONCURRENCY, async (i) => {
    await core.createNamespacedService({
      namespace: 'limit',
      body: svc(`l${i}`, 'limit', 'example.com/nobody'),
    });
  });
  const patch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const limitStart = performance.now();
  await pool([...Array(N).keys()], CONCURRENCY, async (i) => {
    const ip = `198.18.${200 + Math.floor(i / 250)}.${(i % 250) + 1}`;
    await core.patchNamespacedServiceStatus(
      {
        name: `l${i}`,
        namespace: 'limit',
        body: { status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } },
      },
      patch,
    );
  });
  const limitMs = performance.now() - limitStart;

  // 2. The controller: create N Services, watch for their IPs.
  const created = new Map<string, number>();
  const latency = new Map<string, number>();
  let done: () => void = () => {};
  const allDone = new Promise<void>((r) => {
    done = r;
  });
  const watch = new Watch(kc);
  const req = await watch.watch(
    '/api/v1/namespaces/bench/services',
    {},
    (_type, obj: V1Service) => {
      const name = obj.metadata?.name ?? '';
      const t0 = created.get(name);
      if (t0 !== undefined && !latency.has(name) && (obj.status?.loadBalancer?.ingress?.length ?? 0) > 0) {
        latency.set(name, performance.now() - t0);
        if (latency.size === N) done();
      }
    },
    () => {},
  );
  const start = performance.now();
  await pool([...Array(N).keys()], CONCURRENCY, async (i) => {
    created.set(`b${i}`, performance.now());
    await core.createNamespacedService({ namespace: 'bench', body: svc(`b${i}`, 'bench') });
  });
  const createdMs = performance.now() - start;
  await Promise.race([allDone, new Promise((r) => setTimeout(r, 300_000))]);
  const totalMs = performance.now() - start;
  req.abort();
  const l = [...latency.values()];
  const rss = rssMiB(lab.componentPid('controller'));
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`services: ${N} (allocated ${l.length})`);
  console.log(`create calls finished after:    ${fmt(createdMs)}`);
  console.log(`create -> IP in status  p50:   ${fmt(quantile(l, 0.5))}`);
  console.log(`create -> IP in status  p99:   ${fmt(quantile(l, 0.99))}`);
  console.log(`create -> IP in status  max:   ${fmt(quantile(l, 1))}`);
  console.log(`total (first create -> last IP): ${fmt(totalMs)}`);
  console.log(`bare client, ${N} status patches: ${fmt(limitMs)}`);
  console.log(`ratio controller total / create+patch limit: ${(totalMs / (createdMs + limitMs)).toFixed(2)}`);
  console.log(`ratio controller total / patch limit alone:  ${(totalMs / limitMs).toFixed(2)}`);
  console.log(`controller RSS: ${rss.toFixed(1)} MiB`);
} finally {
  await lab.stop();
}
