/**
 * npm run bench:api-writes — in a 3-node lab (BENCH_NODES) at default settings, with the demo Service
 * and BENCH_EXTRA_SERVICES more (default 4; Cluster policy, a pod on every node), let the cluster
 * settle for BENCH_SETTLE_S (default 30 s), then count every write the API server received for
 * BENCH_WINDOW_S (default 60 s), from its own audit log (the lab's kube-apiserver logs create, update,
 * patch and delete at Metadata level; AUDIT_POLICY in src/lab/cluster/control-plane-specs.ts). Prints
 * writes per second per speaker node, for the controller, per writer and resource, and in total
 * (issue 14: the speakers' target is at most 0.1/s per node, none per Service).
 *
 * On real nodes (the lab's default) BareLB runs the image in the shared cache that
 * scripts/build-lab-images.sh built, from whichever checkout built it last; BENCH_HOST_PROCESSES=1
 * runs this checkout's build instead (BareLB as host processes, no kubelets).
 */
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditLogFile } from '../src/lab/cluster/control-plane-specs.js';
import { labPaths } from '../src/lab/cluster/lab-paths.js';
import { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { waitForIps } from '../test/support/services.js';
import { countWrites, writesReport } from './api-writes-count.js';

const NODES = Number(process.env.BENCH_NODES ?? 3);
const EXTRA = Number(process.env.BENCH_EXTRA_SERVICES ?? 4);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 30);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 60);
const HOST_PROCESSES = process.env.BENCH_HOST_PROCESSES === '1';

const lab = await Lab.start({
  nodes: NODES,
  stateDir: join(tmpdir(), `barelb-bench-api-writes-${process.pid}`),
  dieWithParent: true,
  realNodes: !HOST_PROCESSES,
});
try {
  for (let i = 1; i <= EXTRA; i++)
    await deployWorkload(lab, { name: `extra${i}`, podsOn: lab.nodes, service: { type: 'LoadBalancer' } });
  await waitForIps(lab, 'demo');
  for (let i = 1; i <= EXTRA; i++) await waitForIps(lab, `extra${i}`);
  await sleep(SETTLE_S * 1000);
  const from = Date.now();
  await sleep(WINDOW_S * 1000);
  const to = Date.now();
  // The apiserver writes each event before it answers the request; a second covers the file system.
  await sleep(1_000);
  const log = await readFile(auditLogFile(labPaths(lab.stateDir, lab.binDir)), 'utf8');
  const nodeByIp = new Map(lab.addresses.nodeIps.map((ip, i) => [ip, lab.nodes[i] ?? ip]));
  const counts = countWrites(log.split('\n'), from, to, nodeByIp);

  console.log('');
  console.log(
    `API writes in a ${lab.nodes.length}-node lab (${HOST_PROCESSES ? 'host processes' : 'real nodes'}) with ${EXTRA + 1} LoadBalancer Services, steady ` +
      `(${SETTLE_S} s after the last IP) for ${WINDOW_S} s, from kube-apiserver's audit log:`,
  );
  for (const line of writesReport(counts, WINDOW_S, lab.nodes)) console.log(`  ${line}`);
  console.log(
    `  load average: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    '  speaker defaults: Lease renewed every 10 s (an early renewal only when a split leaves exactly half; ' +
      'reads only while no peer is heard); controller leader Lease: client-go defaults (15 s / 10 s / 2 s)',
  );
} finally {
  await lab.stop();
}
