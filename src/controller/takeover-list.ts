/**
 * Whether a replica that has just become leader must list Services again before it allocates.
 *
 * A new leader rebuilds the allocator from what Services show. A cache filled before it held the
 * Lease may miss what the previous leader wrote until then, so such a cache is listed again. A cache
 * whose list was asked for once the Lease was ours already holds every write committed before that,
 * which is all a second list would add (a write the old leader still had in flight can land after
 * either list; the conditional status patch refuses to build on it). So the controller asks for the
 * Lease first and lists Services after, and a replica that wins the Lease at start-up lists once: for
 * 1,000 Services that is one list of them fewer between start and the first IP (issue 14).
 */
export function mustRelistOnLead(cacheListedAt: number | undefined, leadingSince: number): boolean {
  return cacheListedAt === undefined || cacheListedAt < leadingSince;
}

/**
 * How long the Services informer waits for the first Lease attempt before it lists anyway: an API
 * server that is slow to answer the Lease must not hold the caches (and readiness) back.
 */
export const LEASE_FIRST_WAIT_MS = 1_000;
