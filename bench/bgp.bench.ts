/**
 * npm run bench:bgp — BGP mode's failover as the router sees it (issue 17). A lab of BENCH_NODES
 * (default 3) nodes with BareLB installed, FRR in a router namespace peering with every node, and a
 * Service with a pod on every node in a pool only BGP announces. BENCH_ROUNDS times (default 10):
 * hard-kill a node (links down, every process killed; each node in turn) and time, inside the
 * router's namespace, from the kill to the router's kernel route losing that node's next hop; count
 * the GETs that failed meanwhile from a client behind the router (one probe process there, a GET every
 * 50 ms). Then a rolling restart of every speaker under the same probe: failed GETs.
 *
 * BENCH_HOLD (default 90s, the BGPPeer default) is the BGP hold time, which bounds detection without
 * BFD; BENCH_BFD=100x3 runs BFD at 100 ms × 3 (any <ms>x<multiplier>) on both sides; BENCH_GRACEFUL=1
 * turns on graceful restart for the rolling restart. BENCH_STRESS=<n> keeps the machine busy: stress-ng
 * with n CPU workers in the client's namespace (so a kill never stops it) from before the first round to
 * the end, bounded by its own --timeout.
 */
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { NODE_ASN, ROUTER_ASN } from '../test/support/bgp-speaker-process.js';
import { startFrr } from '../test/support/frr-router.js';
import { LabProbe } from '../test/support/lab-probe.js';
import { RouteWatch, withdrawnAt } from '../test/support/route-watch.js';
import { waitForIps } from '../test/support/services.js';
import { speakerReady, speakersReady } from '../test/support/test-lab.js';
import { quantile } from './lab-bench-util.js';

const NODES = Number(process.env.BENCH_NODES ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const HOLD = process.env.BENCH_HOLD ?? '90s';
const GRACEFUL = process.env.BENCH_GRACEFUL === '1';
const BFD = /^(\d+)x(\d+)$/.exec(process.env.BENCH_BFD ?? '');
const bfd = BFD
  ? { receiveMs: Number(BFD[1]), transmitMs: Number(BFD[1]), multiplier: Number(BFD[2]) }
  : undefined;
const STRESS = Number(process.env.BENCH_STRESS ?? 0);
const holdMs = Number.parseInt(HOLD, 10) * 1_000;
/** Every wait is bounded: a round that does not finish in this long is reported and the bench goes on. */
const ROUND_LIMIT_MS = holdMs + 30_000;

const ns = 'barelb-system';
const loadAverage = () => loadavg()[0]?.toFixed(1) ?? '?';
const lab = await Lab.start({
  nodes: NODES,
  demo: false,
  stateDir: join(tmpdir(), `barelb-bench-bgp-${process.pid}`),
  dieWithParent: true,
});
const maxS = Math.ceil((ROUNDS * (ROUND_LIMIT_MS + 180_000) + 600_000) / 1_000);
let watch: RouteWatch | undefined;
let stress: Promise<unknown> | undefined;
let probe: LabProbe | undefined;
try {
  const router = await startFrr(
    lab,
    ROUTER_ASN,
    lab.nodes.map((n) => ({ ip: lab.nodeIp(n), asn: NODE_ASN })),
    [],
    bfd,
  );
  const net = `198.18.${lab.addresses.index * 16 + 13}`;
  await lab.apply(`apiVersion: barelb.io/v1alpha1
kind: IPAddressPool
metadata: {name: bgp, namespace: ${ns}}
spec: {addresses: ["${net}.0/28"], autoAssign: false}
---
apiVersion: barelb.io/v1alpha1
kind: BGPPeer
metadata: {name: router, namespace: ${ns}}
spec:
  myASN: ${NODE_ASN}
  peerASN: ${ROUTER_ASN}
  peerAddress: ${lab.addresses.routerIp}
  holdTime: ${HOLD}
  enableGracefulRestart: ${GRACEFUL}${bfd ? '\n  bfdProfile: bench' : ''}
---${
    bfd
      ? `
apiVersion: barelb.io/v1alpha1
kind: BFDProfile
metadata: {name: bench, namespace: ${ns}}
spec: {receiveInterval: ${bfd.receiveMs}, transmitInterval: ${bfd.transmitMs}, detectMultiplier: ${bfd.multiplier}}
---`
      : ''
  }
apiVersion: barelb.io/v1alpha1
kind: BGPAdvertisement
metadata: {name: bgp, namespace: ${ns}}
spec: {ipAddressPools: [bgp]}
`);
  await deployWorkload(lab, {
    name: 'web',
    podsOn: lab.nodes,
    service: { type: 'LoadBalancer', annotations: { 'barelb.io/address-pool': 'bgp' } },
  });
  const [ip = ''] = await waitForIps(lab, 'web', 'default', 1, 120_000);
  if (bfd)
    await router.bfdReady(
      lab.nodes.map((n) => lab.nodeIp(n)),
      120_000,
    );
  watch = RouteWatch.start(lab, ip, maxS);
  probe = LabProbe.start(lab, [ip], new Map(), { from: 'far', intervalMs: 50, maxMs: maxS * 1_000 });
  const w = watch;
  const p = probe;
  /** Until the router has a next hop through every node, or `limitMs`. */
  const allHops = async (limitMs: number) => {
    const give = performance.now() + limitMs;
    while (w.hops().length < lab.nodes.length && performance.now() < give) await sleep(100);
    return w.hops().length === lab.nodes.length;
  };

  // The load runs in the client's namespace: the CPUs are the machine's, whichever namespace burns them.
  stress =
    STRESS > 0
      ? lab.exec('client', ['stress-ng', '--cpu', String(STRESS), '--timeout', `${maxS}s`, '--quiet'], {
          check: false,
          timeoutMs: (maxS + 30) * 1_000,
        })
      : undefined;
  const detections: number[] = [];
  const failed: number[] = [];
  /** Each revived node, from its revival to the next round's kill (or the rolling restart). */
  const revivals: { victim: string; from: number }[] = [];
  const kills: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await speakersReady(lab, 180_000);
    const peers = lab.nodes.map((n) => lab.nodeIp(n));
    // A revived node's sessions are new: bgpd must be their BFD client before the next kill. Then
    // every session Established: with graceful restart a next hop in the kernel can be a stale
    // route of a session that is down, which a kill would not take away.
    if (bfd) await router.bfdReady(peers, 120_000);
    await router.established(peers, 180_000);
    if (!(await allHops(180_000)))
      console.log(`round ${round}: not every node's next hop present; killing anyway`);
    const victim = lab.nodes[(round - 1) % lab.nodes.length] ?? '';
    const fire = await lab.armKill(victim);
    const killMark = await p.mark(`kill ${victim}`);
    kills.push(killMark);
    const killAt = Date.now();
    await fire();
    let gone: number | undefined;
    while (gone === undefined && Date.now() - killAt < ROUND_LIMIT_MS) {
      gone = withdrawnAt(w.changes, victim, killAt);
      if (gone === undefined) await sleep(20);
    }
    const ms = gone === undefined ? Number.NaN : gone - killAt;
    // GETs that failed from the kill until a second after the router moved the traffic.
    const until = killMark + (Number.isNaN(ms) ? ROUND_LIMIT_MS : ms) + 1_000;
    while ((await p.mark('wait')) < until) await sleep(100);
    const window = p.between(ip, killMark, until);
    const bad = window.filter((s) => !s.ok).length;
    detections.push(ms);
    failed.push(bad);
    console.log(
      `round ${round}: ${victim} killed; its next hop gone at the router after ${ms.toFixed(0)} ms; ${bad} of ${window.length} GETs from behind the router failed`,
    );
    await lab.revive(victim);
    // From here the node's links are up again: what fails now is not the dead node's silence.
    const reviveMark = await p.mark(`revived ${victim}`);
    await speakerReady(lab, victim, 180_000);
    revivals.push({ victim, from: reviveMark });
  }

  await speakersReady(lab, 180_000);
  await allHops(180_000);
  const from = await p.mark('rolling restart');
  const restarts: { node: string; at: number }[] = [];
  for (const n of lab.nodes) {
    restarts.push({ node: n, at: await p.mark(`restart ${n}`) });
    await lab.restart(`speaker-${n}`);
    await speakerReady(lab, n, 180_000);
    await allHops(60_000);
    await sleep(3_000);
  }
  const to = await p.mark('rolled');
  // GETs that failed while a killed node came back, outside the kill windows above. Its routes come
  // back only when its speaker announces them, seconds later; failures that start at once are the
  // dead pod's endpoint, still listed, refusing connections once the node's links are up again.
  const comeback = revivals.map((r, i) => {
    const until = kills.find((t) => t > r.from) ?? from;
    const window = p.between(ip, r.from, until);
    const failed = window.filter((x) => !x.ok);
    return { ...r, round: i + 1, failed, first: Math.min(...failed.map((f) => f.t)), of: window.length };
  });
  const rolled = p.between(ip, from, to);
  const errors = new Map<string, number>();
  for (const s of p.samples)
    if (s.kind === 'http' && !s.ok) errors.set(s.err ?? '?', (errors.get(s.err ?? '?') ?? 0) + 1);

  const ok = detections.filter((d) => !Number.isNaN(d));
  console.log(
    `\nbench:bgp — ${lab.nodes.length} nodes, ${lab.realNodes ? 'real nodes' : 'host processes'}, holdTime ${HOLD}, ${bfd ? `BFD ${bfd.transmitMs} ms × ${bfd.multiplier}` : 'no BFD'}${STRESS > 0 ? `, stress-ng --cpu ${STRESS} throughout (load ${loadAverage()})` : ''}`,
  );
  console.log(
    `hard kill → router drops the next hop (${ok.length}/${ROUNDS} rounds): p50 ${quantile(ok, 0.5).toFixed(0)} ms, p95 ${quantile(ok, 0.95).toFixed(0)} ms, max ${Math.max(...ok).toFixed(0)} ms`,
  );
  console.log(
    `failed GETs from behind the router per kill: p50 ${quantile(failed, 0.5)}, max ${Math.max(...failed)} (a GET every 50 ms; ECMP sends a share of flows to the dead node until then)`,
  );
  console.log(
    `rolling restart of every speaker (graceful restart ${GRACEFUL ? 'on' : 'off'}): ${rolled.filter((s) => !s.ok).length} of ${rolled.length} GETs failed`,
  );
  // Each failure of the rolling restart, placed: which speaker was restarting, and how long since.
  for (const f of rolled.filter((x) => !x.ok)) {
    const during = restarts.filter((r) => r.at <= f.t).at(-1);
    console.log(
      `  failed GET at +${((f.t - (during?.at ?? from)) / 1_000).toFixed(2)} s into ${during ? `${during.node}'s restart` : 'the restart'}: ${f.err ?? '?'} after ${f.ms.toFixed(0)} ms`,
    );
  }
  for (const c of comeback)
    if (c.failed.length > 0)
      console.log(
        `  round ${c.round}, ${c.victim} coming back: ${c.failed.length} of ${c.of} GETs failed, the first sent ${((c.first - c.from) / 1_000).toFixed(2)} s after its links were back (${[...new Set(c.failed.map((f) => f.err ?? '?'))].join('; ')})`,
      );
  console.log(
    `GETs failed while killed nodes came back (revival to the next kill): ${comeback.reduce((n, c) => n + c.failed.length, 0)} of ${comeback.reduce((n, c) => n + c.of, 0)}`,
  );
  console.log(`failed GETs by error, whole run: ${JSON.stringify(Object.fromEntries(errors))}`);
} finally {
  probe?.stop();
  watch?.stop();
  // Stopping the lab kills every process in its namespaces, the stress-ng too.
  await lab.stop();
  if (stress) await Promise.race([stress.catch(() => undefined), sleep(5_000)]);
}
