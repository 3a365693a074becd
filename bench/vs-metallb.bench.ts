/**
 * npm run bench:vs-metallb — BareLB and MetalLB side by side in one lab, same harness, back to back
 * (issue 14). MetalLB (BARELB_METALLB_VERSION, default v0.16.1) is built from its Go module into the
 * cache by scripts/build-metallb.sh and runs beside BareLB as host processes (bench/metallb-install.ts);
 * each handles its own Services (MetalLB only those of its --lb-class), from its own pools.
 *
 * In a BENCH_NODES-node lab (default 3), with 3 LoadBalancer Services each (Cluster policy, a pod on
 * every node), it measures for both:
 * 1. idle RSS of controller and speakers (and their anonymous memory), over BENCH_SETTLE_S;
 * 2. steady-state API writes for BENCH_WINDOW_S (default 60 s), from the API server's audit log;
 * 3. controller start -> first IP with one Service waiting, BENCH_START_ROUNDS fresh processes;
 * 4. hard node kill -> every owned IP served through another node, BENCH_ROUNDS rounds (default 20),
 *    timed by one probe process in the client namespace (GET + ARP every 50 ms);
 * 5. a graceful rolling restart of every speaker under load: failed requests;
 * 6. the same kill with the API server stopped first, BENCH_API_DOWN_ROUNDS rounds (default 3);
 * 7. BENCH_SERVICES (default 1,000) Services created with 32 in flight: create -> IP p50/p99, last
 *    create -> last IP, controller and API server CPU, controller RSS 5 s and 40 s after; BENCH_PAIRS times;
 * 8. a backlog of as many, queued while the controller is stopped: start -> first / last IP.
 * Prints the rows as one table with ratios, then the details.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { auditLogFile } from '../src/lab/cluster/control-plane-specs.js';
import { Lab } from '../src/lab/lab.js';
import { ensureNamespace } from '../src/lab/workloads/namespaces.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { rollingRestartUnderLoad } from '../test/support/rolling-restart.js';
import { waitForIps } from '../test/support/services.js';
import { countWrites, type WriteCounts } from './api-writes-count.js';
import { createServices, deleteServices, watchCreateToIp } from './bulk-services.js';
import {
  hardKillRounds,
  type KillRound,
  loadAverage,
  printKillRounds,
  startBenchProbe,
  steadyOwnersNow,
} from './hard-kill-rounds.js';
import { cpuSeconds, quantile, rssMiB } from './lab-bench-util.js';
import {
  buildMetallb,
  installMetallb,
  METALLB_CLASS,
  METALLB_CONTROLLER,
  metallbSpeaker,
  metallbSpeakerReady,
} from './metallb-install.js';
import { rssText, sampleRss } from './rss-sampling.js';
import { comparisonTable, type Row } from './side-by-side.js';

const NODES = Number(process.env.BENCH_NODES ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const API_DOWN_ROUNDS = Number(process.env.BENCH_API_DOWN_ROUNDS ?? 3);
const START_ROUNDS = Number(process.env.BENCH_START_ROUNDS ?? 5);
const N = Number(process.env.BENCH_SERVICES ?? 1000);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 1);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 20);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 60);
/** LoadBalancer Services per load balancer in the failover rounds. */
const SERVICES_EACH = 3;
/** After a revived node's MetalLB speaker is ready: memberlist's join and MetalLB's re-election. */
const METALLB_REJOIN_MS = 5_000;

type Side = 'barelb' | 'metallb';
const SIDES: readonly Side[] = ['metallb', 'barelb'];

/** What differs between the two in the lab: names, classes, namespaces. */
const sides = (nodes: readonly string[]) =>
  ({
    barelb: {
      controller: 'controller',
      speakers: nodes.map((n) => `speaker-${n}`),
      cls: undefined as string | undefined,
      prefix: 'bl',
      bulkNs: 'bulk-barelb',
      speakerWriter: 'speaker',
      controllerWriter: 'controller',
    },
    metallb: {
      controller: METALLB_CONTROLLER,
      speakers: nodes.map(metallbSpeaker),
      cls: METALLB_CLASS as string | undefined,
      prefix: 'ml',
      bulkNs: 'bulk-metallb',
      speakerWriter: 'metallb speaker',
      controllerWriter: 'metallb controller',
    },
  }) as const;

const rounds = (n: number) => `${n} round${n === 1 ? '' : 's'}`;
const s1 = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (v: number) => `${v.toFixed(1)} MiB`;
const finite = (xs: readonly number[]) => xs.map((x) => (Number.isNaN(x) ? Number.POSITIVE_INFINITY : x));
const median = (xs: readonly number[]) => quantile(xs, 0.5);
const sum = (m: ReadonlyMap<string, number> | undefined) =>
  [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);

const dir = await buildMetallb();
const lab = await Lab.start({
  nodes: NODES,
  realNodes: false,
  stateDir: join(tmpdir(), `barelb-bench-vs-metallb-${process.pid}`),
  dieWithParent: true,
  demo: false,
});
try {
  const kc = lab.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const side = sides(lab.nodes);
  const b = lab.addresses.index * 16;
  // Both bulk pools are the same block, used by one side at a time; the segment ranges differ.
  const bulkCidr = `198.18.${b + 8}.0/22`;
  await installMetallb(lab, dir, {
    segment: `198.18.${b}.100-198.18.${b}.199`,
    bulk: { cidr: bulkCidr, namespace: side.metallb.bulkNs },
  });
  await lab.apply(`apiVersion: barelb.io/v1alpha1
kind: IPAddressPool
metadata: {name: bulk, namespace: barelb-system}
spec:
  addresses: ["${bulkCidr}"]
  serviceAllocation: {priority: 1, namespaces: ["${side.barelb.bulkNs}"]}
`);
  const ips: Record<Side, string[]> = { barelb: [], metallb: [] };
  for (const s of SIDES) {
    const { prefix, cls } = side[s];
    for (let i = 1; i <= SERVICES_EACH; i++)
      await deployWorkload(lab, {
        name: `${prefix}${i}`,
        podsOn: lab.nodes,
        service: { type: 'LoadBalancer', ...(cls ? { loadBalancerClass: cls } : {}) },
      });
    for (let i = 1; i <= SERVICES_EACH; i++)
      ips[s].push(...(await waitForIps(lab, `${prefix}${i}`, 'default', undefined, 120_000)));
  }
  console.log(`IPs: BareLB ${ips.barelb.join(' ')}; MetalLB ${ips.metallb.join(' ')}`);

  // 1. Idle memory.
  const idle = await sampleRss(
    lab,
    [...SIDES.flatMap((s) => [side[s].controller, ...side[s].speakers])],
    SETTLE_S,
  );
  const idleOf = (name: string) => idle.find((r) => r.name === name);

  // 2. Steady API writes, from the audit log.
  const from = Date.now();
  await sleep(WINDOW_S * 1000);
  const to = Date.now();
  await sleep(1_000);
  const audit = await readFile(auditLogFile(lab.paths()), 'utf8');
  const nodeByIp = new Map(lab.addresses.nodeIps.map((ip, i) => [ip, lab.nodes[i] ?? ip]));
  const writes: WriteCounts = countWrites(audit.split('\n'), from, to, nodeByIp);
  const speakerWrites = (s: Side) =>
    lab.nodes.map((n) => sum(writes.get(`${side[s].speakerWriter} ${n}`)) / WINDOW_S);
  const controllerWrites = (s: Side) => sum(writes.get(side[s].controllerWriter)) / WINDOW_S;

  // 3. Controller start -> first IP, one Service waiting, a fresh process each round.
  const startMs: Record<Side, number[]> = { barelb: [], metallb: [] };
  const watch0 = await watchCreateToIp(kc, 'default', Number.POSITIVE_INFINITY);
  for (let r = 0; r < START_ROUNDS; r++) {
    for (const s of SIDES) {
      const { controller, cls } = side[s];
      await lab.stopComponent(controller);
      const name = `start-${s}-${r}`;
      await core.createNamespacedService({
        namespace: 'default',
        body: {
          metadata: { name },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...(cls ? { loadBalancerClass: cls } : {}) },
        },
      });
      await sleep(500);
      watch0.created.set(name, performance.now());
      await lab.restart(controller);
      const give = performance.now() + 120_000;
      while (!watch0.latency.has(name)) {
        if (performance.now() > give)
          throw new Error(`${s}: no IP on ${name} 120 s after its controller's start`);
        await sleep(20);
      }
      startMs[s].push(watch0.latency.get(name) ?? Number.NaN);
      await core.deleteNamespacedService({ namespace: 'default', name });
    }
  }
  watch0.stop();

  // 4. Hard node kills.
  const probe = await startBenchProbe(
    lab,
    [...ips.barelb, ...ips.metallb],
    (2 * ROUNDS + 2 * API_DOWN_ROUNDS) * 150_000 + 600_000,
  );
  const metallbBack = async (node: string) => {
    await metallbSpeakerReady(lab, node);
    await sleep(METALLB_REJOIN_MS);
  };
  const hooksOf = (s: Side) => (s === 'metallb' ? { afterRevive: metallbBack } : {});
  const kills: Record<Side, KillRound[]> = { barelb: [], metallb: [] };
  for (const s of SIDES) {
    console.log(`${s}: hard node kills`);
    kills[s] = await hardKillRounds(lab, probe, ips[s], ROUNDS, 60_000, hooksOf(s));
  }
  const loadAfterKills = loadAverage();

  // 5. Graceful rolling restart of the speakers under load.
  const restart: Record<Side, { ok: number; failures: string[] }> = {
    barelb: await rollingRestartUnderLoad(lab, ips.barelb[0] ?? '', 20),
    metallb: await rollingRestartUnderLoad(lab, ips.metallb[0] ?? '', 20, {
      component: metallbSpeaker,
      ready: metallbSpeakerReady,
    }),
  };
  for (const n of lab.nodes) await metallbSpeakerReady(lab, n);
  await sleep(METALLB_REJOIN_MS);

  // 6. Hard node kills with the API server stopped first (started again before the node comes back).
  const apiDown: Record<Side, KillRound[]> = { barelb: [], metallb: [] };
  for (const s of SIDES) {
    console.log(`${s}: hard node kills with the API server down`);
    apiDown[s] = await hardKillRounds(lab, probe, ips[s], API_DOWN_ROUNDS, 120_000, {
      ...hooksOf(s),
      beforeKill: async () => {
        await lab.stopComponent('kube-apiserver');
        await sleep(2_000);
      },
      beforeRevive: async () => {
        await lab.restart('kube-apiserver');
        await lab.waitApiserver(60_000);
      },
    });
  }
  await steadyOwnersNow(lab, probe, [...ips.barelb, ...ips.metallb], 120_000);
  probe.stop();

  // 7 and 8. Bursts and backlogs, each side in turn, BENCH_PAIRS times.
  interface Burst {
    p50: number;
    p99: number;
    /** From the create's answer to the IP: the controller's part, without the API server's queue. */
    answeredP50: number;
    answeredP99: number;
    lastCreateToLastIp: number;
    controllerCpu: number;
    apiserverCpu: number;
    rssAfter: number;
    rssSettled: number;
    rewatches: number;
  }
  interface Backlog {
    first: number;
    last: number;
    rewatches: number;
  }
  const bursts: Record<Side, Burst[]> = { barelb: [], metallb: [] };
  const backlogs: Record<Side, Backlog[]> = { barelb: [], metallb: [] };
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const s of SIDES) {
      const { controller, cls, bulkNs } = side[s];
      await ensureNamespace(core, bulkNs);
      const w = await watchCreateToIp(kc, bulkNs, N);
      const cpu0 = [
        cpuSeconds(await lab.componentPid(controller)),
        cpuSeconds(await lab.componentPid('kube-apiserver')),
      ];
      const answered = new Map<string, number>();
      await createServices(core, bulkNs, N, {
        prefix: 'u',
        cls,
        before: (i) => w.created.set(`u${i}`, performance.now()),
        after: (i) => answered.set(`u${i}`, performance.now()),
      });
      const lastCreate = performance.now();
      await w.allDone;
      const ipAt = [...w.latency].map(([name, ms]) => (w.created.get(name) ?? 0) + ms);
      const cpu1 = [
        cpuSeconds(await lab.componentPid(controller)),
        cpuSeconds(await lab.componentPid('kube-apiserver')),
      ];
      w.stop();
      if (w.latency.size < N)
        throw new Error(`${s}: only ${w.latency.size} of ${N} burst Services got an IP`);
      await sleep(5_000);
      const l = [...w.latency.values()];
      // An IP can land before this process reads the create's answer (both arrive on a busy event
      // loop): that counts as 0, the controller having added nothing after the answer.
      const a = [...w.latency].map(([name, ms]) =>
        Math.max(0, (w.created.get(name) ?? 0) + ms - (answered.get(name) ?? Number.NaN)),
      );
      bursts[s].push({
        p50: quantile(l, 0.5),
        p99: quantile(l, 0.99),
        answeredP50: quantile(a, 0.5),
        answeredP99: quantile(a, 0.99),
        lastCreateToLastIp: Math.max(...ipAt) - lastCreate,
        controllerCpu: (cpu1[0] ?? 0) - (cpu0[0] ?? 0),
        apiserverCpu: (cpu1[1] ?? 0) - (cpu0[1] ?? 0),
        rssAfter: rssMiB(await lab.componentPid(controller)),
        // Steady again: idle connections closed (15 s) and BareLB's heap trim done (20 s after its
        // queue drained); Go's scavenger returns memory over minutes, so MetalLB's may still fall.
        rssSettled: await sleep(35_000).then(async () => rssMiB(await lab.componentPid(controller))),
        rewatches: w.rewatches(),
      });
      await deleteServices(core, bulkNs, N, 'u');

      await lab.stopComponent(controller);
      await createServices(core, bulkNs, N, { prefix: 'q', cls });
      const q = await watchCreateToIp(kc, bulkNs, N);
      const startAt = performance.now();
      for (let i = 0; i < N; i++) q.created.set(`q${i}`, startAt);
      await lab.restart(controller);
      await q.allDone;
      q.stop();
      if (q.latency.size < N)
        throw new Error(`${s}: only ${q.latency.size} of ${N} backlog Services got an IP`);
      const ql = [...q.latency.values()];
      backlogs[s].push({ first: Math.min(...ql), last: Math.max(...ql), rewatches: q.rewatches() });
      await deleteServices(core, bulkNs, N, 'q');
      console.log(`${s}: burst and backlog of ${N}, pair ${pair + 1} of ${PAIRS} [load ${loadAverage()}]`);
    }
  }

  // The table.
  const both = <T>(f: (s: Side) => T) => ({ metallb: f('metallb'), barelb: f('barelb') });
  const timeRow = (name: string, f: (s: Side) => number, cell: (s: Side) => string): Row => {
    const v = both(f);
    return { name, metallb: cell('metallb'), barelb: cell('barelb'), compare: { ...v, unit: 'time' } };
  };
  const amountRow = (name: string, f: (s: Side) => number, cell: (s: Side) => string): Row => {
    const v = both(f);
    return { name, metallb: cell('metallb'), barelb: cell('barelb'), compare: { ...v, unit: 'amount' } };
  };
  const p = (rs: readonly KillRound[], q: number) => quantile(finite(rs.map((r) => r.servedMs)), q);
  const idleSpeakers = (s: Side) => side[s].speakers.map((n) => idleOf(n)?.last ?? Number.NaN);
  const idleSpeakersAnon = (s: Side) => side[s].speakers.map((n) => idleOf(n)?.anon ?? Number.NaN);
  const range = (xs: readonly number[], f: (x: number) => string) =>
    Math.min(...xs) === Math.max(...xs)
      ? f(xs[0] ?? Number.NaN)
      : `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
  const rows: Row[] = [
    timeRow(
      `hard node kill -> served via new owner, p50 / p95 (${rounds(ROUNDS)})`,
      (s) => p(kills[s], 0.5),
      (s) => `${s1(p(kills[s], 0.5))} / ${s1(p(kills[s], 0.95))}`,
    ),
    timeRow(
      `the same with the API server down, p50 / max (${rounds(API_DOWN_ROUNDS)})`,
      (s) => p(apiDown[s], 0.5),
      (s) => `${s1(p(apiDown[s], 0.5))} / ${s1(p(apiDown[s], 1))}`,
    ),
    {
      name: 'graceful rolling restart of the speakers, failed requests',
      metallb: `${restart.metallb.failures.length} of ${restart.metallb.ok + restart.metallb.failures.length}`,
      barelb: `${restart.barelb.failures.length} of ${restart.barelb.ok + restart.barelb.failures.length}`,
    },
    amountRow(
      `steady API writes per node per second, speakers (${WINDOW_S} s)`,
      (s) => Math.max(...speakerWrites(s)),
      (s) => `max ${Math.max(...speakerWrites(s)).toFixed(3)}/s`,
    ),
    amountRow(
      'steady API writes per second, controller',
      (s) => controllerWrites(s),
      (s) => `${controllerWrites(s).toFixed(3)}/s`,
    ),
    amountRow(
      'speaker RSS, idle (anonymous)',
      (s) => median(idleSpeakers(s)),
      (s) => `${range(idleSpeakers(s), mib)} (${range(idleSpeakersAnon(s), mib)})`,
    ),
    amountRow(
      'controller RSS, idle (anonymous)',
      (s) => idleOf(side[s].controller)?.last ?? Number.NaN,
      (s) =>
        `${mib(idleOf(side[s].controller)?.last ?? Number.NaN)} (${mib(idleOf(side[s].controller)?.anon ?? Number.NaN)})`,
    ),
    timeRow(
      `controller start -> first IP, one Service waiting, p50 (${rounds(START_ROUNDS)})`,
      (s) => median(startMs[s]),
      (s) => `${s1(median(startMs[s]))} (${range(startMs[s], s1)})`,
    ),
    timeRow(
      `${N}-Service burst (32 in flight), create -> IP p50 / p99 (${PAIRS} run${PAIRS > 1 ? 's' : ''}, medians)`,
      (s) => median(bursts[s].map((x) => x.p99)),
      (s) => `${s1(median(bursts[s].map((x) => x.p50)))} / ${s1(median(bursts[s].map((x) => x.p99)))}`,
    ),
    timeRow(
      "burst: create answered -> IP p50 / p99 (the controller's part)",
      (s) => median(bursts[s].map((x) => x.answeredP99)),
      (s) =>
        `${s1(median(bursts[s].map((x) => x.answeredP50)))} / ${s1(median(bursts[s].map((x) => x.answeredP99)))}`,
    ),
    timeRow(
      'burst: last create -> last IP',
      (s) => median(bursts[s].map((x) => x.lastCreateToLastIp)),
      (s) => s1(median(bursts[s].map((x) => x.lastCreateToLastIp))),
    ),
    amountRow(
      'burst: controller CPU; API server CPU',
      (s) => median(bursts[s].map((x) => x.controllerCpu)),
      (s) =>
        `${median(bursts[s].map((x) => x.controllerCpu)).toFixed(1)} s; ${median(bursts[s].map((x) => x.apiserverCpu)).toFixed(1)} s`,
    ),
    amountRow(
      'controller RSS 5 s after the burst',
      (s) => median(bursts[s].map((x) => x.rssAfter)),
      (s) => mib(median(bursts[s].map((x) => x.rssAfter))),
    ),
    amountRow(
      'controller RSS 40 s after the burst',
      (s) => median(bursts[s].map((x) => x.rssSettled)),
      (s) => mib(median(bursts[s].map((x) => x.rssSettled))),
    ),
    timeRow(
      `backlog of ${N}: controller start -> first IP`,
      (s) => median(backlogs[s].map((x) => x.first)),
      (s) => s1(median(backlogs[s].map((x) => x.first))),
    ),
    timeRow(
      `backlog of ${N}: controller start -> last IP`,
      (s) => median(backlogs[s].map((x) => x.last)),
      (s) => s1(median(backlogs[s].map((x) => x.last))),
    ),
  ];

  console.log('');
  console.log(
    `BareLB vs MetalLB (${dir.split('/').pop()}), ${lab.nodes.length}-node lab, host processes, node ${process.version}:`,
  );
  for (const line of comparisonTable(rows)) console.log(`  ${line}`);
  console.log('');
  for (const s of SIDES) {
    printKillRounds(`${s}: hard node kill`, kills[s]);
    printKillRounds(`${s}: hard node kill with the API server down`, apiDown[s]);
    if (restart[s].failures.length > 0)
      console.log(`${s}: failed requests: ${restart[s].failures.join(', ')}`);
  }
  console.log(`load average after the kill rounds: ${loadAfterKills}; now: ${loadAverage()}`);
  console.log(`idle RSS over ${SETTLE_S} s: ${idle.map(rssText).join('; ')}`);
  for (const s of SIDES)
    console.log(
      `${s}: speaker writes per node ${speakerWrites(s)
        .map((w) => w.toFixed(3))
        .join(', ')}/s; controller ${controllerWrites(s).toFixed(3)}/s; ` +
        `bursts ${bursts[s].map((x) => `p50 ${s1(x.p50)} p99 ${s1(x.p99)} answered p50 ${s1(x.answeredP50)} p99 ${s1(x.answeredP99)} tail ${s1(x.lastCreateToLastIp)} cpu ${x.controllerCpu.toFixed(1)}/${x.apiserverCpu.toFixed(1)} s rss ${mib(x.rssAfter)} then ${mib(x.rssSettled)} rewatches ${x.rewatches}`).join('; ')}; ` +
        `backlogs ${backlogs[s].map((x) => `${s1(x.first)} -> ${s1(x.last)} (rewatches ${x.rewatches})`).join('; ')}`,
    );
  console.log(`logs: ${lab.paths().logs}`);
} finally {
  await lab.stop();
}
