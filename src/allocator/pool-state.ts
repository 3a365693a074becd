import type { PoolConfig } from '../config/types.js';
import type { Family } from '../net/address.js';
import { type AddressSpace, EVERY_ADDRESS, WITHOUT_EDGE_OCTETS } from './address-space.js';
import { IntervalSet } from './interval-set.js';

/** Sorted, disjoint inclusive [first, last] address ranges of one family. */
export type Ranges = readonly (readonly [bigint, bigint])[];

/**
 * One pool's addresses of one family: its ranges, and which of their usable addresses are free.
 * In use = usable and not free; the allocator keeps who uses them (ip-uses.ts).
 */
export class FamilyPool {
  private readonly free = new IntervalSet();
  /** Usable addresses (avoidBuggyIPs already left out). */
  readonly total: bigint;

  constructor(
    readonly family: Family,
    readonly ranges: Ranges,
    readonly space: AddressSpace,
  ) {
    for (const [first, last] of ranges) {
      const span = space.span(first, last);
      if (span) this.free.add(span[0], span[1]);
    }
    this.total = this.free.size;
  }

  get available(): bigint {
    return this.free.size;
  }

  get assigned(): bigint {
    return this.total - this.free.size;
  }

  /** Inside one of the ranges (binary search), usable or not. */
  contains(value: bigint): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid];
      if (!r) return false;
      if (value < r[0]) hi = mid - 1;
      else if (value > r[1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Inside the ranges and not left out by avoidBuggyIPs: the pool may hand it out. */
  usable(value: bigint): boolean {
    return this.contains(value) && this.space.indexOf(value) !== undefined;
  }

  isFree(value: bigint): boolean {
    const i = this.index(value);
    return i !== undefined && this.free.has(i);
  }

  /** Marks an address in use; false when it is not a free address of this pool. */
  take(value: bigint): boolean {
    const i = this.index(value);
    return i !== undefined && this.free.take(i);
  }

  /** Marks an address free again; false when it is not a used address of this pool. */
  give(value: bigint): boolean {
    const i = this.index(value);
    return i !== undefined && this.free.give(i);
  }

  /** The lowest free address, left free. */
  lowestFree(): bigint | undefined {
    const i = this.free.lowest();
    return i === undefined ? undefined : this.space.valueAt(i);
  }

  /** Free addresses as [first, last] runs (edge octets inside a run stay unused), for snapshots. */
  freeRuns(): [bigint, bigint][] {
    return this.free.intervals().map(([a, b]) => [this.space.valueAt(a), this.space.valueAt(b)]);
  }

  private index(value: bigint): bigint | undefined {
    return this.contains(value) ? this.space.indexOf(value) : undefined;
  }
}

/** A pool as the allocator uses it: its config and, per family, its addresses. */
export class PoolState {
  private constructor(
    readonly config: PoolConfig,
    readonly families: Readonly<Record<Family, FamilyPool>>,
  ) {}

  /** `ranges` are the pool's effective ranges (see pool-table.ts), sorted and disjoint per family. */
  static create(config: PoolConfig, ranges: Readonly<Record<Family, Ranges>>): PoolState {
    const v4Space = config.avoidBuggyIPs === true ? WITHOUT_EDGE_OCTETS : EVERY_ADDRESS;
    return new PoolState(config, {
      IPv4: new FamilyPool('IPv4', ranges.IPv4, v4Space),
      IPv6: new FamilyPool('IPv6', ranges.IPv6, EVERY_ADDRESS),
    });
  }

  get name(): string {
    return this.config.name;
  }

  /** The same addresses and usage under a new config (priority, selectors, autoAssign changed). */
  withConfig(config: PoolConfig): PoolState {
    return new PoolState(config, this.families);
  }
}
