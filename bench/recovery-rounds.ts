import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../src/lab/lab.js';
import type { LabProbe } from '../test/support/lab-probe.js';
import { type Recovery, recoveryOf } from './failover-times.js';
import { loadAverage, steadyOwnersNow } from './hard-kill-rounds.js';

/** One kill of the node announcing `ip`, and what the client saw in the window after it. */
export interface RecoveryRound extends Recovery {
  readonly victim: string;
}

/**
 * `rounds` times: hard-kill the node that announces `ip`, then read the `windowMs` after the kill
 * from the probe: the first success, when at least 99 % of requests succeed again, and the share that
 * failed. The first is BareLB's (the IP moved and a node answers); what follows is the data path's:
 * with externalTrafficPolicy Cluster, kube-proxy on the new owner keeps sending a share of requests to
 * the dead node's pods until its endpoints leave (the node lifecycle controller marks it NotReady
 * after --node-monitor-grace-period), while Local sends only to the new owner's own pods.
 */
export async function recoveryRounds(
  lab: Lab,
  probe: LabProbe,
  ip: string,
  ips: readonly string[],
  rounds: number,
  windowMs: number,
): Promise<RecoveryRound[]> {
  const out: RecoveryRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const owners = await steadyOwnersNow(lab, probe, ips, 180_000);
    const victim = owners?.get(ip) ?? '';
    if (!victim) {
      console.log(`  round ${round}: no steady owner of ${ip}; skipped`);
      continue;
    }
    const fire = await lab.armKill(victim);
    const killAt = await probe.mark(`kill ${victim}`);
    await fire();
    while ((await probe.mark('window?')) < killAt + windowMs + 1_000) await sleep(1_000);
    const r = { victim, ...recoveryOf(probe.samples, ip, killAt, windowMs) };
    out.push(r);
    console.log(
      `  round ${round}: ${victim} killed: first success ${fmt(r.firstOkMs)}, 99 % from ${fmt(r.recovered99Ms)}, ` +
        `${(r.failedFraction * 100).toFixed(1)} % of ${r.probes} requests failed in ${windowMs / 1000} s [load ${loadAverage()}]`,
    );
    await lab.revive(victim);
  }
  return out;
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? 'never' : `${(ms / 1000).toFixed(2)} s`;
}
