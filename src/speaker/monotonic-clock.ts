import { performance } from 'node:perf_hooks';

/**
 * The two clocks membership needs. Every timeout runs on `now`, which never jumps (an NTP step
 * would otherwise make every peer look dead, issue 12 item 4); `wall` is read only where time must
 * mean the same on every node: a new incarnation and the check that one is not far in the future.
 */
export interface MembershipClock {
  /** Monotonic milliseconds, meaningful only as differences. */
  now(): number;
  /** Wall-clock milliseconds since the epoch. */
  wall(): number;
}

export const systemMembershipClock: MembershipClock = {
  now: () => performance.now(),
  wall: () => Date.now(),
};
