/**
 * Object changes (Services, EndpointSlices, Nodes, pools, advertisements) start an election at most
 * this often. Each election plans every Service, and object events come in storms: 1,000 Services
 * created bring several events each (the create, the controller's IP, the EndpointSlice), one at a
 * time, so planning on each cost the speaker 15.4 s of CPU for 1,000 Services (npm run bench:lean at
 * fb932be). Changes that move ownership at once (a peer dead or back, the node's own health, a
 * Lease) are not paced: failover never waits for this.
 */
export const OBJECT_ELECT_INTERVAL_MS = 50;

/**
 * In a storm, elections paced by object changes take at most 1 / ELECT_COST_FACTOR of the speaker's
 * time: with many Services one election costs tens of milliseconds, and the interval grows with it
 * (as kube-proxy's minSyncPeriod bounds its rule syncs), so the speaker's CPU stays bounded however
 * many Services change at once.
 */
export const ELECT_COST_FACTOR = 5;

/**
 * How long an object change waits before its election: none when the last election is at least an
 * interval old (a lone change is acted on at once), otherwise until the interval has passed, so a
 * storm of changes costs one election per interval. The interval is OBJECT_ELECT_INTERVAL_MS, or
 * ELECT_COST_FACTOR times what the last election took when that is longer.
 */
export function electDelayMs(now: number, lastElectAt: number, lastElectCostMs: number): number {
  const interval = Math.max(OBJECT_ELECT_INTERVAL_MS, lastElectCostMs * ELECT_COST_FACTOR);
  return Math.max(0, lastElectAt + interval - now);
}
