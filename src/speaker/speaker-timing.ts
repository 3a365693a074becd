import { API_CHECKS_PER_ISOLATION } from './api-contact.js';

/** The speaker's timing flags, in milliseconds. */
export interface SpeakerTiming {
  readonly heartbeatIntervalMs: number;
  readonly deadAfterMs: number;
  readonly isolationMs: number;
  readonly handoverMs: number;
  readonly leaseRenewMs: number;
}

/**
 * Renewals that fit in one Lease duration: two may fail or run late (a slow API server, a starved
 * node) before peers count the Lease expired. Kubelet node Leases keep four (renew 10 s, duration
 * 40 s); liveness rides on heartbeats here, so the Lease is only the slow backstop. The duration is
 * also how long a hard-killed peer still counts among the live speakers for the minority rule: the
 * survivors of a majority killed at once wait that long (30 s at the default 10 s renew).
 */
export const RENEWALS_PER_LEASE = 3;

/** The Lease duration written for a renew period: whole seconds, as Lease.spec requires. */
export function leaseDurationSeconds(renewMs: number): number {
  return Math.max(1, Math.ceil((RENEWALS_PER_LEASE * renewMs) / 1000));
}

/**
 * The default renew period: kubelet's node Lease rate, 0.1 writes/s per node (issue 14). Nothing fast
 * waits for it: heartbeats carry liveness, isolation reads the API server when it needs to know, and
 * an exact half renews at once to prove itself (api-contact.ts).
 */
export const DEFAULT_LEASE_RENEW_MS = 10_000;
/** With no peer heard and no API answer for this long, a node of three or more stops announcing. */
export const DEFAULT_ISOLATION_MS = 5_000;
/** At most one Lease write a second per node (DESIGN §4.6: the API-side Lease is renewed slowly). */
const MIN_LEASE_RENEW_MS = 1_000;
/**
 * Isolation reads the API server API_CHECKS_PER_ISOLATION times per isolation time while no peer is
 * heard, and a reachable one must answer in time on a loaded control plane: about 500 ms a read.
 */
const MIN_ISOLATION_MS = 2_000;
/** deploy/speaker.yaml gives 30 s to stop; hand-over plus the Lease release must fit well inside. */
const MAX_HANDOVER_MS = 20_000;

/**
 * Why a set of timing flags cannot work together, one sentence per problem (empty when they can).
 * Checked at start so a bad combination is refused with a clear message instead of showing up as
 * flapping ownership or a blackout.
 */
export function timingProblems(t: SpeakerTiming): string[] {
  const flags: Record<keyof SpeakerTiming, string> = {
    heartbeatIntervalMs: '--heartbeat-interval-ms',
    deadAfterMs: '--dead-after-ms',
    isolationMs: '--isolation-ms',
    handoverMs: '--handover-ms',
    leaseRenewMs: '--lease-renew-ms',
  };
  const out: string[] = [];
  for (const k of Object.keys(flags) as (keyof SpeakerTiming)[])
    if (!Number.isInteger(t[k]) || t[k] <= 0)
      out.push(`${flags[k]} must be a positive integer (got ${t[k]})`);
  if (out.length > 0) return out;
  if (t.deadAfterMs < 2 * t.heartbeatIntervalMs)
    out.push(
      `--dead-after-ms (${t.deadAfterMs}) must be at least twice --heartbeat-interval-ms (${t.heartbeatIntervalMs}): ` +
        'otherwise one lost heartbeat declares a live peer dead',
    );
  if (t.leaseRenewMs < MIN_LEASE_RENEW_MS)
    out.push(
      `--lease-renew-ms (${t.leaseRenewMs}) must be at least ${MIN_LEASE_RENEW_MS}: more than one Lease write a ` +
        'second per node loads the API server, and liveness rides on the heartbeats anyway',
    );
  const leaseMs = leaseDurationSeconds(t.leaseRenewMs) * 1000;
  if (t.deadAfterMs >= leaseMs)
    out.push(
      `--dead-after-ms (${t.deadAfterMs}) must be shorter than the Lease duration (${leaseMs} ms, ` +
        `${RENEWALS_PER_LEASE} x --lease-renew-ms ${t.leaseRenewMs}, in whole seconds): heartbeats must notice ` +
        'a dead peer before its Lease does',
    );
  if (t.isolationMs < MIN_ISOLATION_MS)
    out.push(
      `--isolation-ms (${t.isolationMs}) must be at least ${MIN_ISOLATION_MS}: a node that hears no peer reads ` +
        `the API server ${API_CHECKS_PER_ISOLATION} times in it, and a loaded but reachable API server must get ` +
        'to answer before the node calls itself cut off and stops announcing',
    );
  if (t.isolationMs <= t.deadAfterMs)
    out.push(
      `--isolation-ms (${t.isolationMs}) must be longer than --dead-after-ms (${t.deadAfterMs}): a node is cut ` +
        'off only after its peers could have been judged dead',
    );
  if (t.handoverMs < 2 * t.heartbeatIntervalMs)
    out.push(
      `--handover-ms (${t.handoverMs}) must be at least twice --heartbeat-interval-ms (${t.heartbeatIntervalMs}): ` +
        'peers must hear the departure (a lost heartbeat is re-sent a tick later) before this node stops answering',
    );
  if (t.handoverMs > MAX_HANDOVER_MS)
    out.push(
      `--handover-ms (${t.handoverMs}) must be at most ${MAX_HANDOVER_MS}: the speaker must stop well within ` +
        'its 30 s terminationGracePeriodSeconds (deploy/speaker.yaml)',
    );
  return out;
}

/** Refuses inconsistent timing flags with every problem listed. */
export function assertTiming(t: SpeakerTiming): void {
  const problems = timingProblems(t);
  if (problems.length > 0)
    throw new Error(`inconsistent speaker timing flags:\n  - ${problems.join('\n  - ')}`);
}
