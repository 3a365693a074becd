/**
 * npm run bench:failover — in a 3-node lab (BENCH_NODES=2 for two) at default settings: 20 times, hard-kill the node that
 * owns the demo IP (links down, every process in it killed) and time from the kill to the first
 * successful curl from the client that entered through the new owner. Also: requests failed during
 * a rolling graceful restart of every speaker, the speakers' API writes per second in steady state,
 * and the speakers' RSS.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from '../src/lab/lab.js';
import { rollingRestartUnderLoad } from '../test/support/rolling-restart.js';
import { waitForIps } from '../test/support/services.js';
import { hardKillRounds, steadyOwner } from './hard-kill-rounds.js';
import { quantile, rssMiB } from './lab-bench-util.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
/** Two-node clusters fail over differently (no majority to consult): BENCH_NODES=2 measures them. */
const NODES = Number(process.env.BENCH_NODES ?? 3);

const lab = await Lab.start({
  nodes: NODES,
  stateDir: join(tmpdir(), `barelb-bench-failover-${process.pid}`),
  dieWithParent: true,
});
try {
  const [ip = ''] = await waitForIps(lab, 'demo');
  const times = await hardKillRounds(lab, ip, ROUNDS);

  // Graceful rolling restart under load.
  await steadyOwner(lab, ip);
  const { ok, failures } = await rollingRestartUnderLoad(lab, ip, 20);
  const failed = failures.length;

  // Steady-state API writes: the speakers count them in their metrics.
  const writes = async () => {
    let total = 0;
    for (const n of lab.nodes) {
      const r = await lab.exec(n, ['curl', '-s', 'http://127.0.0.1:7473/metrics'], { check: false });
      for (const m of r.stdout.matchAll(/^barelb_speaker_api_writes_total\{[^}]*\} (\d+)/gm))
        total += Number(m[1]);
    }
    return total;
  };
  await sleep(5_000);
  const w0 = await writes();
  const windowS = 30;
  await sleep(windowS * 1000);
  const w1 = await writes();
  const rss = lab.nodes.map((n) => rssMiB(lab.componentPid(`speaker-${n}`)));

  console.log('');
  console.log(`hard failure (node killed) -> first curl through the new owner, ${times.length} rounds:`);
  console.log(
    `  p50 ${quantile(times, 0.5).toFixed(0)} ms   p95 ${quantile(times, 0.95).toFixed(0)} ms   max ${quantile(times, 1).toFixed(0)} ms`,
  );
  console.log(
    `graceful rolling restart of ${lab.nodes.length} speakers: ${failed} failed of ${ok + failed} requests`,
  );
  console.log(
    `speaker API writes in steady state: ${((w1 - w0) / windowS / lab.nodes.length).toFixed(2)} per second per node`,
  );
  console.log(`speaker RSS: ${rss.map((r) => r.toFixed(1)).join(', ')} MiB`);
  console.log(
    'defaults: heartbeat 100 ms, dead after 400 ms, probe every 500 ms, lease renew 2 s, gratuitous burst 0/100/300/700/1500/3100 ms',
  );
} finally {
  await lab.stop();
}
