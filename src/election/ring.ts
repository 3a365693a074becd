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
  const live = order.filter((n) => n === self || !dead.has(n));
  const at = live.indexOf(self);
  const others = live.filter((n) => n !== self);
  if (at < 0 || others.length <= k) return { targets: others, watched: others };
  const pick = (step: 1 | -1) =>
    Array.from({ length: k }, (_, i) => live[(at + step * (i + 1) + live.length) % live.length] as string);
  return { targets: pick(1), watched: pick(-1) };
}
