import type { PoolConfig } from '../config/types.js';
import type { Family } from '../net/address.js';
import { FreeSet } from './free-set.js';

/** One pool's free addresses per family, and how many it has in all. */
export class PoolState {
  readonly free: Record<Family, FreeSet>;
  readonly total: Record<Family, bigint>;

  constructor(readonly config: PoolConfig) {
    this.free = { IPv4: new FreeSet(), IPv6: new FreeSet() };
    for (const r of config.ranges) {
      if (r.family === 'IPv4' && config.avoidBuggyIPs) {
        for (const [a, b] of withoutBuggyIps(r.first, r.last)) this.free.IPv4.addInterval(a, b);
      } else {
        this.free[r.family].addInterval(r.first, r.last);
      }
    }
    this.total = { IPv4: this.free.IPv4.available, IPv6: this.free.IPv6.available };
  }

  contains(family: Family, value: bigint): boolean {
    return this.config.ranges.some((r) => r.family === family && value >= r.first && value <= r.last);
  }

  /** Assigned addresses of a family: what is neither free nor excluded. */
  assigned(family: Family): bigint {
    return this.total[family] - this.free[family].available;
  }
}

/**
 * Splits an IPv4 range at /24 boundaries, leaving out every .0 and .255: some old clients and
 * routers treat them as network or broadcast addresses (MetalLB's avoidBuggyIPs).
 */
export function* withoutBuggyIps(first: bigint, last: bigint): Generator<[bigint, bigint]> {
  let block = first & ~0xffn;
  while (block <= last) {
    const a = first > block + 1n ? first : block + 1n;
    const b = last < block + 254n ? last : block + 254n;
    if (a <= b) yield [a, b];
    block += 256n;
  }
}

export function isBuggyIpv4(value: bigint): boolean {
  const low = value & 0xffn;
  return low === 0n || low === 255n;
}
