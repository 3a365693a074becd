/**
 * Who heartbeats whom. Up to `k + 1` members every node heartbeats every other (the small clusters
 * most users run: detection as direct as it gets). Beyond that, members sit on a ring ordered by a
 * hash of their name, each sends to its k successors and watches its k predecessors, so a node's
 * heartbeat traffic is k × rate whatever the cluster size; deaths reach the others as accusations.
 * Members judged dead are left out, so the ring closes over a gap and every live node stays watched.
 */
export interface RingNeighbours {
  /** Nodes this node sends heartbeats to. */
  readonly targets: readonly string[];
  /** Nodes whose heartbeats this node expects, and accuses when they stop. */
  readonly watched: readonly string[];
}

export function ringNeighbours(
  order: readonly string[],
  self: string,
  k: number,
  dead: ReadonlySet<string>,
): RingNeighbours {
  const others = order.filter((n) => n !== self);
  // Small cluster: heartbeats go to everyone, dead or not, so "dead" is never self-fulfilling (a node
  // judged dead by mistake keeps hearing its peers and its peers keep hearing it).
  if (others.length <= k) return { targets: others, watched: others };
  const live = order.filter((n) => n === self || !dead.has(n));
  const around = (ring: readonly string[], step: 1 | -1) => {
    const at = ring.indexOf(self);
    const n = Math.min(k, ring.length - 1);
    return Array.from(
      { length: n },
      (_, i) => ring[(at + step * (i + 1) + ring.length * k) % ring.length] as string,
    );
  };
  // Also heartbeat the successors on the whole ring, dead or not: one judged dead by mistake still
  // hears its neighbours, and a dead one that comes back is heard at once.
  const targets = [...new Set([...around(live, 1), ...around(order, 1)])];
  return { targets, watched: around(live, -1) };
}
