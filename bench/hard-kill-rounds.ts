import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../src/lab/lab.js';
import { macsToNodes } from '../test/support/l2.js';
import { LabProbe } from '../test/support/lab-probe.js';
import { speakersReady } from '../test/support/test-lab.js';
import { failoverOf, type IpFailover, steadyOwners, worstFailover } from './failover-times.js';
import { quantile } from './lab-bench-util.js';

/** How long every IP must have had one owner, answering ARP and every GET, before a round's kill. */
const STEADY_MS = 2_000;
/** A ready speaker stays quiet for its dead-after time (400 ms) first; this covers it and an election. */
const WARM_UP_MS = 1_000;
/** A round whose IPs are not all served again within this long counts as failed (NaN). */
const GIVE_UP_MS = 30_000;

/**
 * Around each kill, once owners are steady: `beforeKill` runs just before the kill is armed,
 * `beforeRevive` once the round is timed (bench:vs-metallb stops the API server for the kill and
 * starts it again before the node comes back), `afterRevive` with the victim once it is back
 * (bench:flap puts its CPU load back; bench:vs-metallb waits for MetalLB's speaker, which
 * steadyOwnersNow does not know).
 */
export interface KillRoundHooks {
  readonly beforeKill?: () => Promise<void>;
  readonly beforeRevive?: () => Promise<void>;
  readonly afterRevive?: (node: string) => Promise<void>;
}

/** One kill: failover times in ms from the start of the kill call, on the probe's clock. */
export interface KillRound {
  readonly victim: string;
  /** The IPs the victim owned. */
  readonly ips: readonly string[];
  /** Until the last of them was served again through another node (NaN: not within GIVE_UP_MS). */
  readonly servedMs: number;
  /** Until the last of them was answered by ARP from another node. */
  readonly arpMs: number;
  /** How long the kill call itself took (links down, then every process killed). */
  readonly killCallMs: number;
}

/**
 * The in-namespace probe for failover benches: one process in the client namespace that GETs every
 * IP and asks ARP for it every `intervalMs` (test/support/probe-client.ts), bounded by `maxMs`.
 */
export async function startBenchProbe(
  lab: Lab,
  ips: readonly string[],
  maxMs: number,
  intervalMs = 50,
): Promise<LabProbe> {
  return LabProbe.start(lab, ips, await macsToNodes(lab), { intervalMs, maxMs });
}

/**
 * Waits until every speaker is ready and then `probe` shows one steady owner for every IP, counting
 * only from WARM_UP_MS after readiness (a revived speaker takes its IPs back after its warm-up);
 * undefined after `timeoutMs`. Killing a node while the previous round's victim is still starting
 * would time a double failure (the last node of three alone goes quiet as a minority), not a failover.
 */
export async function steadyOwnersNow(
  lab: Lab,
  probe: LabProbe,
  ips: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string> | undefined> {
  const give = performance.now() + timeoutMs;
  await speakersReady(lab, timeoutMs);
  const ready = await probe.mark('ready');
  for (;;) {
    const now = await probe.mark('steady?');
    const owners =
      now >= ready + WARM_UP_MS + STEADY_MS ? steadyOwners(probe.samples, ips, now, STEADY_MS) : undefined;
    if (owners || performance.now() > give) return owners;
    await sleep(250);
  }
}

/**
 * `rounds` times: hard-kill a node that owns some of `ips` (each such node in turn; links down, every
 * process in it killed),
 * time from the kill to the first successful GET, through another node, to every IP it owned; then
 * revive it. `settleMs` bounds the wait for steady owners before each round (longer on a loaded
 * machine, where a revived node is slow).
 *
 * Every time is taken inside the client namespace by one long-lived probe process, never across
 * `ip netns exec` calls (each costs a process start, so such a figure times the CLI). The kill's
 * moment reaches the probe's clock as a mark: the bench asks the probe to stamp "kill" and starts the
 * kill only once the stamp is back, so the stamp is never later than the kill (the figure can only
 * err long, by the stamp's trip back). Reading a shared clock in both processes would also work
 * (CLOCK_MONOTONIC is one per host across network namespaces; process.hrtime reads it), but
 * performance.now() counts from each process's own start and timeOrigin is wall-clock, so the
 * conversion is easy to get subtly wrong; the mark needs no conversion and survives time namespaces.
 * The kill is armed before the stamp (Lab.armKill: links listed, `ip -batch` started and waiting on
 * its input), so what lies between the stamp and the links going down is a write to a pipe, not a
 * process start. The kill call's whole duration (links down, then finding and SIGKILLing the node's
 * processes, which can no longer reach anyone) is reported beside the figure.
 */
export async function hardKillRounds(
  lab: Lab,
  probe: LabProbe,
  ips: readonly string[],
  rounds: number,
  settleMs = 60_000,
  hooks: KillRoundHooks = {},
): Promise<KillRound[]> {
  const out: KillRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const owners = await steadyOwnersNow(lab, probe, ips, settleMs);
    // Nodes in turn (of those that own an IP), so every node's death is timed, not only one's.
    const owning = lab.nodes.filter((n) => [...(owners?.values() ?? [])].includes(n));
    const victim = owning[(round - 1) % Math.max(1, owning.length)] ?? owners?.get(ips[0] ?? '') ?? '';
    const owned = ips.filter((ip) => owners?.get(ip) === victim);
    if (!owners) console.log(`round ${round}: no steady owners within ${settleMs} ms; killing anyway`);
    await hooks.beforeKill?.();
    // Armed first: the links go down within moments of `fire`, not after an `ip` process has started
    // (hundreds of ms on a loaded machine, which would count against BareLB).
    const fire = await lab.armKill(victim);
    const killAt = await probe.mark(`kill ${victim}`);
    // Wall clock, only to find the kill in the speakers' logs.
    const wall = new Date().toISOString().slice(11, 23);
    await fire();
    const killCallMs = (await probe.mark(`killed ${victim}`)) - killAt;
    let worst = { servedMs: Number.NaN, arpMs: Number.NaN };
    let per: IpFailover[] = [];
    for (;;) {
      const now = await probe.mark('served?');
      per = failoverOf(probe.samples, owned, victim, killAt);
      worst = worstFailover(per);
      // Done once all are served, and the GETs still in flight have had their timeout to answer first.
      if (!Number.isNaN(worst.servedMs) && now - killAt > worst.servedMs + 1_000) break;
      if (now - killAt > GIVE_UP_MS) break;
      await sleep(200);
    }
    out.push({ victim, ips: owned, ...worst, killCallMs });
    console.log(
      `round ${round}: ${victim} killed at ${wall} (owned ${owned.join(' ')}; kill call ${killCallMs.toFixed(0)} ms): ` +
        `ARP from a survivor after ${worst.arpMs.toFixed(0)} ms, served after ${worst.servedMs.toFixed(0)} ms ` +
        `(GETs failed after the ARP answer: ${per.map((p) => p.failedAfterArp).join('/')}) ` +
        `[load ${loadAverage()}]`,
    );
    await hooks.beforeRevive?.();
    await lab.revive(victim);
    await hooks.afterRevive?.(victim);
  }
  return out;
}

/** The host's load averages (1, 5, 15 min), as /proc/loadavg has them. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** Prints p50/p95/max of the rounds' served and ARP times, and of the kill call. */
export function printKillRounds(title: string, rounds: readonly KillRound[]): void {
  // A failed round (NaN) counts as longer than any other.
  const line = (ms: number[]) => {
    const xs = ms.map((x) => (Number.isNaN(x) ? Number.POSITIVE_INFINITY : x));
    return `p50 ${quantile(xs, 0.5).toFixed(0)} ms   p95 ${quantile(xs, 0.95).toFixed(0)} ms   max ${quantile(xs, 1).toFixed(0)} ms`;
  };
  console.log(`${title}, ${rounds.length} rounds (timed in the client namespace, from the kill's start):`);
  console.log(`  every owned IP served through another node: ${line(rounds.map((r) => r.servedMs))}`);
  console.log(`  every owned IP answered by ARP from another node: ${line(rounds.map((r) => r.arpMs))}`);
  console.log(`  the kill call itself: ${line(rounds.map((r) => r.killCallMs))}`);
  console.log(
    `  failed rounds (not served within ${GIVE_UP_MS / 1000} s): ${rounds.filter((r) => Number.isNaN(r.servedMs)).length}`,
  );
}
