/**
 * npm run bench:failover — in a 3-node lab (BENCH_NODES=2 for two) at default settings, with the
 * demo Service and BENCH_EXTRA_SERVICES more (default 2; Cluster policy, a pod on every node): 20
 * times, hard-kill each node that owns an IP in turn (links down, every process in it killed) and time,
 * inside the client namespace (one probe process, a GET and an ARP request to every IP every 50 ms),
 * from the kill to the first successful GET through another node to every IP it owned. Also: requests failed during
 * a rolling graceful restart of every speaker, the speakers' API writes per second in steady state,
 * and the speakers' RSS. Then, on real nodes, BENCH_RECOVERY_ROUNDS (default 3) kills of the owner of
 * a Cluster and of a Local Service each, watched for 60 s: first success, the time until 99 % of
 * requests succeed again, and the share that failed (the part Kubernetes' endpoint removal plays).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeTimingFrom } from '../src/lab/cluster/control-plane-specs.js';
import { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { rollingRestartUnderLoad } from '../test/support/rolling-restart.js';
import { waitForIps } from '../test/support/services.js';
import {
  hardKillRounds,
  loadAverage,
  printKillRounds,
  startBenchProbe,
  steadyOwnersNow,
} from './hard-kill-rounds.js';
import { rssMiB } from './lab-bench-util.js';
import { printRecovery } from './print-recovery.js';
import { type RecoveryRound, recoveryRounds } from './recovery-rounds.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
/** Two-node clusters fail over differently (no majority to consult): BENCH_NODES=2 measures them. */
const NODES = Number(process.env.BENCH_NODES ?? 3);
/** More LoadBalancer Services beside demo, so a killed node usually owns more than one IP. */
const EXTRA = Number(process.env.BENCH_EXTRA_SERVICES ?? 2);
const RECOVERY_ROUNDS = Number(process.env.BENCH_RECOVERY_ROUNDS ?? 3);
const RECOVERY_WINDOW_MS = 60_000;

const lab = await Lab.start({
  nodes: NODES,
  stateDir: join(tmpdir(), `barelb-bench-failover-${process.pid}`),
  dieWithParent: true,
});
try {
  for (let i = 1; i <= EXTRA; i++)
    await deployWorkload(lab, { name: `extra${i}`, podsOn: lab.nodes, service: { type: 'LoadBalancer' } });
  // Local policy: pods on two nodes, so the IP always has a node with an endpoint to move to.
  await deployWorkload(lab, {
    name: 'local',
    podsOn: lab.nodes.slice(0, 2),
    service: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
  });
  const [ip = ''] = await waitForIps(lab, 'demo');
  const [localIp = ''] = await waitForIps(lab, 'local');
  const ips = [ip];
  for (let i = 1; i <= EXTRA; i++) ips.push(...(await waitForIps(lab, `extra${i}`)));
  const probe = await startBenchProbe(lab, ips, ROUNDS * 150_000 + 120_000);
  const rounds = await hardKillRounds(lab, probe, ips, ROUNDS);
  const loadAfterKills = loadAverage();
  await steadyOwnersNow(lab, probe, ips, 60_000);
  probe.stop();

  // Recovery as a client sees it, 60 s after each kill, for both traffic policies.
  const recovery: { policy: string; rounds: RecoveryRound[] }[] = [];
  if (lab.realNodes && RECOVERY_ROUNDS > 0) {
    const both = [ip, localIp];
    const watch = await startBenchProbe(lab, both, RECOVERY_ROUNDS * 2 * 300_000 + 120_000, 100);
    for (const [policy, target] of [
      ['Cluster', ip],
      ['Local', localIp],
    ] as const) {
      console.log(`recovery of the ${policy} Service's IP ${target}:`);
      recovery.push({
        policy,
        rounds: await recoveryRounds(lab, watch, target, both, RECOVERY_ROUNDS, RECOVERY_WINDOW_MS),
      });
    }
    await steadyOwnersNow(lab, watch, both, 120_000);
    watch.stop();
  }

  // Graceful rolling restart under load.
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
  const rss = await Promise.all(lab.nodes.map(async (n) => rssMiB(await lab.componentPid(`speaker-${n}`))));

  console.log('');
  printKillRounds(
    `hard failure (node killed) in a ${lab.nodes.length}-node lab, ${ips.length} IPs -> served through another node`,
    rounds,
  );
  console.log(`  load average after the kill rounds: ${loadAfterKills}`);
  if (recovery.length > 0)
    console.log(
      nodeTimingFrom(process.env) === 'kubernetes'
        ? "node failure timing: Kubernetes' defaults (node-monitor-grace-period 50 s, kubelet Lease 40 s)"
        : "node failure timing: the lab's (node-monitor-grace-period 16 s, kubelet Lease 12 s); BARELB_LAB_NODE_TIMING=kubernetes for the defaults",
    );
  for (const { policy, rounds: rr } of recovery) printRecovery(policy, rr, RECOVERY_WINDOW_MS);
  console.log(
    `graceful rolling restart of ${lab.nodes.length} speakers: ${failed} failed of ${ok + failed} requests`,
  );
  console.log(
    `speaker API writes in steady state: ${((w1 - w0) / windowS / lab.nodes.length).toFixed(2)} per second per node`,
  );
  console.log(`speaker logs: ${join(lab.stateDir, 'logs')}`);
  console.log(`speaker RSS: ${rss.map((r) => r.toFixed(1)).join(', ')} MiB`);
  console.log(
    'client probe: a GET (800 ms timeout) and an ARP request per IP every 50 ms; speaker defaults: heartbeat 100 ms, dead after 400 ms, probe every 500 ms, lease renew 2 s, gratuitous burst 0/100/300/700/1500/3100 ms',
  );
} finally {
  await lab.stop();
}
