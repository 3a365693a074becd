/**
 * How long past the warm-up a speaker waits for the facts of peers it already hears. Facts follow a
 * heartbeat within a round trip on a healthy network; this bounds the wait for a peer that never sends
 * them (a lost datagram is pulled again long before).
 */
export const FACTS_WAIT_MS = 2_000;

export interface WarmUpInput {
  /** Monotonic now, and when the plain warm-up (one dead-after from start) ends. */
  readonly now: number;
  readonly warmUntil: number;
  /** Nodes in the cluster: a node alone has nobody to wait for. */
  readonly nodes: number;
  /** Peers this speaker hears but whose probe facts it does not hold yet. */
  readonly peersWithoutFacts: readonly string[];
}

/**
 * Whether a starting speaker must stay quiet. It has heard nobody at first, so for one dead-after it
 * would claim every IP; and a peer it hears but holds no facts for is no candidate yet, so for a
 * moment it would claim that peer's IPs too (a restarted speaker in a two-node lab took its peer's IPs
 * for one request). So it waits for those facts as well, up to FACTS_WAIT_MS more. Pure.
 */
export function warmingUp(i: WarmUpInput): boolean {
  if (i.nodes <= 1) return false;
  if (i.now < i.warmUntil) return true;
  return i.peersWithoutFacts.length > 0 && i.now < i.warmUntil + FACTS_WAIT_MS;
}
