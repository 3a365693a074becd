/**
 * npm run bench:flap — is ownership stable on a busy machine? In a 3-node lab, CPU load from
 * stress-ng in every node's namespace (more on the owner of the demo IP) for BENCH_FLAP_MINUTES
 * (default 10), while the client sends a request every 100 ms: prints how often the announcing node
 * changed (target 0) and how many requests failed (target 0). Then, under the same load, hard-kills
 * the owner BENCH_ROUNDS times (default 10) and prints the failover p50/p95/max (target p95 <= 1 s).
 * BENCH_FLAP_MINUTES=0 skips the steady phase (the kill rounds alone, still under load).
 * Requests and ARP probes come from one probe process in the client namespace (timed there, see
 * hard-kill-rounds.ts). Load and probes stop on their own (stress-ng --timeout, the probe's maxMs).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from '../src/lab/lab.js';
import { windowStats } from '../test/support/lab-probe.js';
import { waitForIps } from '../test/support/services.js';
import { entryChanges } from './failover-times.js';
import {
  hardKillRounds,
  loadAverage,
  printKillRounds,
  startBenchProbe,
  steadyOwnersNow,
} from './hard-kill-rounds.js';

const MINUTES = Number(process.env.BENCH_FLAP_MINUTES ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** stress-ng CPU workers per node, and extra ones on the owner. */
const CPU_PER_NODE = Number(process.env.BENCH_FLAP_CPU ?? 1);
const CPU_OWNER_EXTRA = Number(process.env.BENCH_FLAP_CPU_OWNER ?? 2);

const lab = await Lab.start({
  nodes: 3,
  stateDir: join(tmpdir(), `barelb-bench-flap-${process.pid}`),
  dieWithParent: true,
});
const stress: Promise<unknown>[] = [];
const load = (node: string, workers: number, seconds: number) =>
  stress.push(
    lab.exec(node, ['stress-ng', '--cpu', String(workers), '--timeout', `${seconds}s`, '--quiet'], {
      check: false,
      timeoutMs: (seconds + 60) * 1000,
    }),
  );
try {
  const [ip = ''] = await waitForIps(lab, 'demo');
  const ips = [ip];
  const seconds = Math.round(MINUTES * 60);
  const steadyProbe = await startBenchProbe(lab, ips, (seconds + 180) * 1000, 100);
  const owner = (await steadyOwnersNow(lab, steadyProbe, ips, 60_000))?.get(ip) ?? '';
  if (seconds > 0) {
    for (const n of lab.nodes) load(n, CPU_PER_NODE + (n === owner ? CPU_OWNER_EXTRA : 0), seconds + 5);
    const from = await steadyProbe.mark('steady from');
    await sleep(seconds * 1000);
    const to = await steadyProbe.mark('steady to');
    const stats = windowStats(steadyProbe.between(ip, from, to), from, to);
    // A node lets requests in under its own address or its pod gateway's (SNAT to whichever faces the
    // chosen pod); the probe names the node, so only a change of node is a change of owner.
    const moves = entryChanges(steadyProbe.samples, ip, from, to);
    const arpNodes = new Set(steadyProbe.between(ip, from, to, 'arp').map((s) => s.node));
    const loadNow = loadAverage();
    await Promise.all(stress.splice(0));

    console.log('');
    console.log(
      `load: stress-ng --cpu ${CPU_PER_NODE} in every node, ${CPU_OWNER_EXTRA} more in the owner (${owner}); ${lab.nodes.length} nodes`,
    );
    console.log(
      `steady state under load, ${MINUTES} min, a request every 100 ms: ${moves.length} ownership changes, ${stats.failures} failed of ${stats.probes} requests (longest gap between answers ${stats.maxGapMs} ms; ARP answered by ${[...arpNodes].join(', ')}) [load ${loadNow}]`,
    );
    for (const c of moves) console.log(`  change at ${(c.atMs / 1000).toFixed(1)} s: ${c.from} -> ${c.to}`);
    const failures = steadyProbe.between(ip, from, to).filter((s) => !s.ok);
    if (failures.length > 0)
      console.log(`  failures at (s): ${failures.map((f) => ((f.t - from) / 1000).toFixed(1)).join(', ')}`);
  }
  steadyProbe.stop();

  // Failover under the same load.
  const killSeconds = ROUNDS * 40 + 60;
  const killEnd = performance.now() + killSeconds * 1000;
  const workers = (n: string) => CPU_PER_NODE + (n === owner ? CPU_OWNER_EXTRA : 0);
  for (const n of lab.nodes) load(n, workers(n), killSeconds);
  const killProbe = await startBenchProbe(lab, ips, ROUNDS * 240_000 + 120_000);
  // A killed node loses its stress-ng with its other processes: give it back its load once revived.
  const reload = async (n: string): Promise<void> => {
    load(n, workers(n), Math.max(1, Math.round((killEnd - performance.now()) / 1000)));
  };
  const rounds = await hardKillRounds(lab, killProbe, ips, ROUNDS, 180_000, { afterRevive: reload }).finally(
    () => killProbe.stop(),
  );
  printKillRounds('hard failure under load -> served through another node', rounds);
  console.log(`  load average after the kill rounds: ${loadAverage()}`);
  console.log(`speaker logs: ${join(lab.stateDir, 'logs')}`);
} finally {
  await lab.stop();
  await Promise.allSettled(stress);
}
