/**
 * Whether this node may announce at all, given who it hears. When heartbeats are cut between groups
 * of nodes while the API server still shows every speaker alive (fresh Leases), each group would
 * elect owners among itself and two nodes would answer for one IP. Only a group holding a majority
 * of the live speakers announces; an exact half announces only if it holds the lowest node name.
 * Without a view of the Leases (API server unreachable) the gate is open: heartbeats alone decide,
 * so an API outage never moves an IP.
 */
export function mayAnnounce(
  self: string,
  heard: readonly string[],
  liveByLease: readonly string[] | undefined,
): boolean {
  if (liveByLease === undefined) return true;
  const group = new Set([self, ...heard]);
  const all = new Set([...group, ...liveByLease]);
  if (group.size * 2 > all.size) return true;
  if (group.size * 2 < all.size) return false;
  const lowest = [...all].sort()[0];
  return lowest !== undefined && group.has(lowest);
}
