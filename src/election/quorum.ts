import type { LeaseView } from './lease-liveness.js';

export type AnnounceGate =
  /** No current view of the Leases (API server unreachable): heartbeats alone decide, nothing moves. */
  | 'no-lease-view'
  /** This node and the peers it hears are more than half of the live speakers. */
  | 'majority'
  /** Exactly half, holding the lowest node name: the tie-break side. */
  | 'half-tie-break'
  /**
   * Exactly half, and none of the other half is proven alive: they may have just died (a hard kill
   * looks like this until their Leases expire), so keep serving rather than black out.
   */
  | 'half-others-unproven'
  /** Exactly half, without the lowest name, and the other half is proven alive: stand down. */
  | 'half-others-alive'
  /** Fewer than half: a heartbeat partition cut this node off from most live speakers. */
  | 'minority';

export interface GateDecision {
  readonly announce: boolean;
  readonly gate: AnnounceGate;
}

/**
 * Whether this node may announce at all, given who it hears and what the Leases say. When heartbeats
 * are cut between groups of nodes while the API server still shows every speaker alive, each group
 * would elect owners among itself and two nodes would answer for one IP; so only a group holding a
 * majority of the live speakers announces.
 *
 * A peer that stops being heard may be dead or cut off; for a while (its Lease duration) the API
 * server cannot tell which. Counting it as alive is right in a big cluster (the survivors still hold
 * a majority) but blacks out a two-node cluster whenever one node dies or restarts (issue 12,
 * finding 1). So an exact half announces unless the other half is *proven* alive: a Lease renewal
 * seen while it was unheard. Between two nodes cut off from each other, both then announce until
 * the first such renewal (at most one renew period plus watch latency), then only the side with the
 * lowest name. A minority never announces: in three nodes or more, the usual partition (one node cut
 * off) is refused at once. Without a view of the Leases the gate is open: heartbeats alone decide,
 * so an API outage never moves an IP (isolation handles a node that loses both).
 *
 * For comparison: MetalLB's memberlist mode has no quorum (both sides of a partition announce);
 * kube-vip and Cilium arbitrate through the API server alone, so failover waits for a Lease to expire.
 */
export function mayAnnounce(
  self: string,
  heard: readonly string[],
  leases: LeaseView | undefined,
): GateDecision {
  if (leases === undefined) return { announce: true, gate: 'no-lease-view' };
  const group = new Set([self, ...heard]);
  const all = new Set([...group, ...leases.live]);
  if (group.size * 2 > all.size) return { announce: true, gate: 'majority' };
  if (group.size * 2 < all.size) return { announce: false, gate: 'minority' };
  const lowest = [...all].sort()[0];
  if (lowest !== undefined && group.has(lowest)) return { announce: true, gate: 'half-tie-break' };
  const othersAlive = leases.liveUnheard.some((n) => !group.has(n));
  return othersAlive
    ? { announce: false, gate: 'half-others-alive' }
    : { announce: true, gate: 'half-others-unproven' };
}
