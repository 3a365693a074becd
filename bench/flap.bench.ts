/**
 * npm run bench:flap — is ownership stable on a busy machine? In a 3-node lab, CPU load from
 * stress-ng in every node's namespace (more on the owner of the demo IP) for BENCH_FLAP_MINUTES
 * (default 10), while the client sends a request every 100 ms: prints how often the announcing node
 * changed (target 0) and how many requests failed (target 0). Then, under the same load, hard-kills
 * the owner BENCH_ROUNDS times (default 10) and prints the failover p50/p95/max (target p95 <= 1 s).
 * Load and probes stop on their own (stress-ng --timeout, the probe's duration).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/lab/cluster/binaries.js';
import { Lab } from '../src/lab/lab.js';
import { entryNode } from '../test/support/l2.js';
import { waitForIps } from '../test/support/services.js';
import { hardKillRounds, steadyOwner } from './hard-kill-rounds.js';
import { quantile } from './lab-bench-util.js';

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
  const owner = (await steadyOwner(lab, ip)) ?? '';
  const seconds = Math.round(MINUTES * 60);
  for (const n of lab.nodes) load(n, CPU_PER_NODE + (n === owner ? CPU_OWNER_EXTRA : 0), seconds + 5);
  const probe = await lab.exec(
    'client',
    ['sh', '-c', `cd ${REPO_ROOT} && node --import tsx bench/flap-probe.ts http://${ip}/ ${seconds} 100`],
    { check: false, timeoutMs: (seconds + 120) * 1000 },
  );
  const r = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '{}') as {
    requests: number;
    failures: number[];
    changes: { atMs: number; from: string; to: string }[];
  };
  const name = (client: string) => entryNode(lab, client) ?? client;
  // A node lets requests in under its own address or its pod gateway's (SNAT to whichever faces the
  // chosen pod), so only a change of node is a change of owner.
  const moves = r.changes.filter((c) => name(c.from) !== name(c.to));
  await Promise.all(stress.splice(0));

  console.log('');
  console.log(
    `load: stress-ng --cpu ${CPU_PER_NODE} in every node, ${CPU_OWNER_EXTRA} more in the owner (${owner}); ${lab.nodes.length} nodes`,
  );
  console.log(
    `steady state under load, ${MINUTES} min, a request every 100 ms: ${moves.length} ownership changes, ${r.failures.length} failed of ${r.requests} requests`,
  );
  for (const c of moves)
    console.log(`  change at ${(c.atMs / 1000).toFixed(1)} s: ${name(c.from)} -> ${name(c.to)}`);
  if (r.failures.length > 0)
    console.log(`  failures at (s): ${r.failures.map((f) => (f / 1000).toFixed(1)).join(', ')}`);
  // Failover under the same load.
  const killSeconds = ROUNDS * 40 + 60; // a killed node loses its own stress-ng; the others keep theirs
  for (const n of lab.nodes) load(n, CPU_PER_NODE + (n === owner ? CPU_OWNER_EXTRA : 0), killSeconds);
  const times = await hardKillRounds(lab, ip, ROUNDS, 180_000);

  console.log(`hard failure under load -> first curl through the new owner, ${times.length} rounds:`);
  console.log(
    `  p50 ${quantile(times, 0.5).toFixed(0)} ms   p95 ${quantile(times, 0.95).toFixed(0)} ms   max ${quantile(times, 1).toFixed(0)} ms`,
  );
} finally {
  await lab.stop();
  await Promise.allSettled(stress);
}
