import type { AnnounceGate } from '../election/quorum.js';

/**
 * When a speaker talks to the API server beyond its slow periodic Lease renewal (issue 14: the Lease
 * is renewed about as often as kubelet's, 0.1 writes/s per node, and two rules must stay fast anyway).
 * Pure: the plan asks these, the shell (NodeLease) does the reads and writes.
 *
 * - Isolation needs to know, within a fraction of --isolation-ms, whether the API server still answers
 *   a node that hears no peer. A renewal every 10 s cannot say so; a read can, and costs no write.
 * - A two-node partition ends when each side sees the other renew while unheard (quorum.ts); waiting
 *   for the periodic renewal would let both sides answer for every IP for up to a renew period.
 */

/** Reads per isolation time while no peer is heard: three may fail before a reachable API server looks gone. */
export const API_CHECKS_PER_ISOLATION = 4;

/**
 * When to read the API server to learn whether it still answers (undefined: no need). Only where the
 * isolation rule applies (three nodes or more) and only while no peer is heard: in steady state the
 * peers' heartbeats prove this node is not cut off, and nothing is read.
 */
export function apiCheckAt(a: {
  readonly nodes: number;
  readonly heardPeers: number;
  readonly lastApiSuccess: number;
  readonly isolationMs: number;
}): number | undefined {
  if (a.nodes <= 2 || a.heardPeers > 0) return undefined;
  return a.lastApiSuccess + apiCheckEveryMs(a.isolationMs);
}

export function apiCheckEveryMs(isolationMs: number): number {
  return Math.max(1, Math.floor(isolationMs / API_CHECKS_PER_ISOLATION));
}

/** The quorum gates in which this node's side is exactly half of the live speakers. */
const HALF_GATES: ReadonlySet<AnnounceGate> = new Set([
  'half-tie-break',
  'half-others-unproven',
  'half-others-alive',
]);

/**
 * Since when this node's side has been exactly half (undefined: it is not): carried from plan to plan,
 * so the proof renewal below is asked for once per split, not once per election.
 */
export function exactHalfSince(
  prev: number | undefined,
  gate: AnnounceGate,
  now: number,
): number | undefined {
  return HALF_GATES.has(gate) ? (prev ?? now) : undefined;
}

/**
 * When to renew this node's Lease ahead of its period (undefined: the periodic renewal will do).
 *
 * An exact half stands down only once the other half is proven alive: a renewal of its Lease seen
 * while it is unheard (quorum.ts). So when this node's side becomes exactly half, it renews once,
 * `proofDelayMs` later: by then the far side has judged this node unheard too (its judgement trails
 * ours by about a heartbeat interval, more on a starved node), so the renewal counts as proof there.
 * If the node just died rather than being cut off, the survivor's renewal is one harmless write.
 * A write that landed at or after the due time already is the proof: nothing more is asked.
 */
export function leaseRenewAt(
  halfSince: number | undefined,
  lastLeaseWrite: number,
  proofDelayMs: number,
): number | undefined {
  if (halfSince === undefined) return undefined;
  const at = halfSince + proofDelayMs;
  return lastLeaseWrite >= at ? undefined : at;
}
