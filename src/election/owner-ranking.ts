import { crypto } from '../runtime/required-builtins.js';

/**
 * Rendezvous (highest-random-weight) hashing: every candidate gets a score from a stable hash of
 * (node, ip) and the highest score owns the IP. Every speaker computes the same answer from the same
 * candidate set, with no coordination. Its properties are the ones failover needs:
 *   - ownership spreads evenly across nodes;
 *   - adding a node moves only the IPs that node now wins;
 *   - removing a node that owns nothing moves nothing;
 *   - the ranking depends on the key alone (an address group's lowest address, see addressGroups), so
 *     every address of a Service and every Service sharing one get the same owner.
 * SHA-256 is not needed for security here, only for a hash every platform computes identically.
 */
export function rankCandidates(ip: string, candidates: Iterable<string>): string[] {
  return [...new Set(candidates)]
    .map((node) => ({ node, score: score(node, ip) }))
    .sort((a, b) => (a.score < b.score ? 1 : a.score > b.score ? -1 : a.node < b.node ? -1 : 1))
    .map((c) => c.node);
}

/** The owner of `ip` among `candidates`, or undefined when there is none. */
export function ownerOf(ip: string, candidates: Iterable<string>): string | undefined {
  let best: { node: string; score: bigint } | undefined;
  for (const node of candidates) {
    const s = score(node, ip);
    if (!best || s > best.score || (s === best.score && node < best.node)) best = { node, score: s };
  }
  return best?.node;
}

function score(node: string, ip: string): bigint {
  // A separator that cannot appear in a node name keeps ("a", "bc") and ("ab", "c") apart.
  const digest = crypto.createHash('sha256').update(`${node}\u0000${ip}`).digest();
  return digest.readBigUInt64BE(0);
}
