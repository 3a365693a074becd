/**
 * Suspicion with confirmations, after Lifeguard (Dadgar et al., 2018, "Lifeguard: Local Health
 * Awareness for More Accurate Failure Detection"): a node is dead once `wanted` independent accusers
 * say so; with fewer, only after a longer timeout that shrinks as log(n+1)/log(wanted+1). So one slow
 * or badly connected accuser cannot move IPs at once, while a node that really died (all its watchers
 * accuse it within a few ms of each other) is dead as soon as the confirmations arrive. When the other
 * watchers are gone too, the lone accuser still wins, after maxMs.
 */
export interface SuspicionConfig {
  /** Independent accusers that make a node dead at once (capped by how many other live members exist). */
  readonly confirmations: number;
  /** Time a single accusation needs before the node is dead; fewer than `confirmations` scale down from it. */
  readonly maxMs: number;
}

export function suspicionTimeout(accusers: number, wanted: number, maxMs: number): number {
  if (accusers <= 0) return Number.POSITIVE_INFINITY;
  if (accusers >= wanted) return 0;
  const frac = Math.log(accusers + 1) / Math.log(wanted + 1);
  return Math.max(0, Math.floor(maxMs * (1 - frac)));
}

export interface Judgement {
  readonly dead: ReadonlySet<string>;
  /** When the next suspected node turns dead if nothing changes (monotonic ms). */
  readonly nextAt: number | undefined;
}

/**
 * Who is dead, from each target's valid accusers and since when it is suspected. Accusations from
 * nodes judged dead themselves do not count (a dead watcher's last word is stale), and the number of
 * confirmations wanted never exceeds the live members other than the target, so a two-node cluster
 * needs only the survivor's word. Iterated a few times because both depend on the answer.
 */
export function judge(
  self: string,
  memberCount: number,
  accusers: ReadonlyMap<string, ReadonlySet<string>>,
  since: ReadonlyMap<string, number>,
  now: number,
  c: SuspicionConfig,
): Judgement {
  let dead = new Set<string>();
  let nextAt: number | undefined;
  for (let round = 0; round < 4; round++) {
    const next = new Set<string>();
    nextAt = undefined;
    for (const [target, by] of accusers) {
      if (target === self) continue;
      const live = [...by].filter((a) => !dead.has(a)).length;
      const others = memberCount - 1 - [...dead].filter((d) => d !== target).length;
      const wanted = Math.max(1, Math.min(c.confirmations, others));
      const at = (since.get(target) ?? now) + suspicionTimeout(live, wanted, c.maxMs);
      if (at <= now) next.add(target);
      else if (Number.isFinite(at) && (nextAt === undefined || at < nextAt)) nextAt = at;
    }
    const same = next.size === dead.size && [...next].every((d) => dead.has(d));
    dead = next;
    if (same) break;
  }
  return { dead, nextAt };
}
