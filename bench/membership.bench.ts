/**
 * npm run bench:membership — N speakers' membership (the real protocol code: every datagram encoded,
 * signed, decoded) in one process over a simulated network with loss and delay, at N = 3, 10, 100
 * and 1,000. Prints per node: packets/s and bytes/s sent and received in steady state (mean and the
 * busiest node); hard-kill detection time p50/p95/max over every (observer, victim) pair, and until
 * the last live node noticed; nodes seen dead that were not; whether all live nodes agree on the owner
 * of 256 IPs after convergence (and after the killed node came back).
 * Target (issue 12): at 100 nodes <= 100 packets/s per node and detection p95 <= 1 s.
 * Options: BENCH_SIZES=3,10 BENCH_LOSS=0.01 BENCH_SEED=1.
 */
import { MembershipSim } from '../src/election/membership-sim.js';
import { ownerOf } from '../src/election/owner-ranking.js';

const sizes = (process.env.BENCH_SIZES ?? '3,10,100,1000').split(',').map(Number);
const loss = Number(process.env.BENCH_LOSS ?? 0.01);
const seed = Number(process.env.BENCH_SEED ?? 1);
const DELAY: [number, number] = [0.2, 2];
const STEADY_MS = 5_000;
const IPS = Array.from({ length: 256 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/** Owners of IPS as each live node sees them; true when every node sees the same. */
function agree(sim: MembershipSim): boolean {
  const views = new Map<string, number>();
  for (const [name, n] of sim.nodes) {
    if (!n.up) continue;
    const alive = [name, ...n.m.alivePeers(sim.now)].sort().join(' ');
    views.set(alive, (views.get(alive) ?? 0) + 1);
  }
  // The owners are a pure function of the live set (facts are equal here): equal sets, equal owners.
  const owners = new Set(
    [...views.keys()].map((v) => {
      const alive = v.split(' ');
      return IPS.map((ip) => ownerOf(ip, alive)).join(',');
    }),
  );
  return owners.size === 1;
}

function traffic(sim: MembershipSim) {
  return new Map([...sim.nodes].map(([name, n]) => [name, { ...n }]));
}

function run(size: number): void {
  const t0 = performance.now();
  const nodes = Array.from({ length: size }, (_, i) => `node-${String(i).padStart(4, '0')}`);
  const sim = new MembershipSim({ nodes, lossRate: loss, delayMs: DELAY, seed });
  // Every speaker starts at once (the worst case: each sends its record and facts to every member).
  sim.runUntil(3_000);
  const startup = [...sim.nodes.values()].reduce((s, n) => s + n.sentPackets, 0) / size;

  const falseDeaths = new Set<string>();
  let killed = new Set<string>();
  sim.onEvent = (node) => {
    for (const x of sim.membership(node).deadPeers(sim.now))
      if (!killed.has(x)) falseDeaths.add(`${node}:${x}`);
  };
  const before = traffic(sim);
  sim.runUntil(sim.now + STEADY_MS);
  const steady = traffic(sim);
  const per = (k: 'sentPackets' | 'sentBytes' | 'recvPackets' | 'recvBytes') =>
    nodes.map((n) => ((steady.get(n)?.[k] ?? 0) - (before.get(n)?.[k] ?? 0)) / (STEADY_MS / 1000));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const steadyAgree = agree(sim);

  const rounds = size <= 10 ? 20 : size <= 100 ? 10 : 3;
  const pairs: number[] = [];
  const lasts: number[] = [];
  let missed = 0;
  let afterAgree = true;
  for (let r = 0; r < rounds; r++) {
    const victim = nodes[(r * 7919 + 3) % size] as string;
    // Kill at varying points of the heartbeat cycle (all speakers started together, so ticks align).
    sim.runUntil(sim.now + ((r * 37) % 100));
    killed = new Set([victim]);
    sim.kill(victim);
    const at = sim.now;
    const seen = new Map<string, number>();
    const onEvent: ((node: string) => void) | undefined = sim.onEvent;
    sim.onEvent = (node) => {
      onEvent?.(node);
      if (!seen.has(node) && !sim.membership(node).isAlive(victim, sim.now)) seen.set(node, sim.now - at);
    };
    sim.runUntil(at + 3_000);
    sim.onEvent = onEvent;
    // Nodes that never handled an event after the kill did not notice; count them as missed.
    missed += size - 1 - seen.size;
    pairs.push(...seen.values());
    lasts.push(Math.max(...seen.values()));
    afterAgree &&= agree(sim);
    sim.start(victim, 2_000_000 + r);
    sim.runUntil(sim.now + 2_000);
    killed = new Set();
    afterAgree &&= agree(sim);
  }
  const f = (x: number) => x.toFixed(0);
  console.log(
    [
      `N=${size}`,
      `steady packets/s per node: sent ${f(mean(per('sentPackets')))} (max ${f(Math.max(...per('sentPackets')))}),`,
      `received ${f(mean(per('recvPackets')))} (max ${f(Math.max(...per('recvPackets')))});`,
      `bytes/s sent ${f(mean(per('sentBytes')))} (max ${f(Math.max(...per('sentBytes')))}),`,
      `received ${f(mean(per('recvBytes')))};`,
      `start-up: ${f(startup)} packets per node in the first 3 s;`,
      `detection (${rounds} kills, ${pairs.length} observer pairs) p50 ${f(quantile(pairs, 0.5))} ms,`,
      `p95 ${f(quantile(pairs, 0.95))} ms, max ${f(Math.max(...pairs))} ms;`,
      `last node to notice p50 ${f(quantile(lasts, 0.5))} ms, p95 ${f(quantile(lasts, 0.95))} ms;`,
      `missed ${missed}; false deaths ${falseDeaths.size};`,
      `owners agree: steady ${steadyAgree ? 'yes' : 'NO'}, after kills and rejoins ${afterAgree ? 'yes' : 'NO'}`,
      `(${f((performance.now() - t0) / 1000)} s)`,
    ].join(' '),
  );
}

console.log(
  `membership over a simulated network: loss ${loss * 100}%, delay ${DELAY[0]}-${DELAY[1]} ms, seed ${seed}`,
);
for (const size of sizes) run(size);
