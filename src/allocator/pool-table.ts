import type { PoolConfig } from '../config/types.js';
import { type Address, FAMILIES, type Family, maxValue } from '../net/address.js';
import { PoolState, type Ranges } from './pool-state.js';

interface Entry {
  readonly first: bigint;
  readonly last: bigint;
  readonly pool: PoolState;
}

/**
 * The pools in use: by name, in allocation order, and by address (binary search over every range).
 * Built from configs that should be valid; when they are not (overlapping pools, unsorted or
 * out-of-range ranges, duplicate names), it repairs rather than throws, so no address can ever
 * belong to two pools: an overlap goes to the pool first by name (config validation normally
 * refuses the newer pool before it gets here).
 */
export class PoolTable {
  private constructor(
    private readonly byName: ReadonlyMap<string, PoolState>,
    /** Lower priority number first, unset last, then by name: the order auto allocation tries. */
    readonly ordered: readonly PoolState[],
    private readonly lookup: Readonly<Record<Family, readonly Entry[]>>,
    private readonly carried: ReadonlySet<PoolState>,
  ) {}

  static empty(): PoolTable {
    return new PoolTable(new Map(), [], { IPv4: [], IPv6: [] }, new Set());
  }

  /**
   * Builds the table. A pool whose addresses are unchanged since `previous` keeps its usage
   * (`carriedOver`), so a change to priorities or selectors costs nothing per Service.
   */
  static build(configs: readonly PoolConfig[], previous: PoolTable = PoolTable.empty()): PoolTable {
    const valid = new Map<string, PoolConfig>();
    for (const c of [...configs].filter(isUsableConfig).sort((a, b) => compareText(a.name, b.name)))
      if (!valid.has(c.name)) valid.set(c.name, c);

    const claimed: Record<Family, Ranges> = { IPv4: [], IPv6: [] };
    const byName = new Map<string, PoolState>();
    const carried = new Set<PoolState>();
    const lookup: Record<Family, Entry[]> = { IPv4: [], IPv6: [] };
    for (const config of valid.values()) {
      const ranges = { IPv4: [] as Ranges, IPv6: [] as Ranges };
      for (const f of FAMILIES) {
        ranges[f] = subtract(normalize(config, f), claimed[f]);
        claimed[f] = normalizeRanges([...claimed[f], ...ranges[f]]);
      }
      const old = previous.byName.get(config.name);
      let pool: PoolState;
      if (
        old &&
        old.config.avoidBuggyIPs === config.avoidBuggyIPs &&
        FAMILIES.every((f) => sameRanges(old.families[f].ranges, ranges[f]))
      ) {
        pool = old.withConfig(config);
        carried.add(pool);
      } else {
        pool = PoolState.create(config, ranges);
      }
      byName.set(config.name, pool);
      for (const f of FAMILIES) for (const [first, last] of ranges[f]) lookup[f].push({ first, last, pool });
    }
    for (const f of FAMILIES) lookup[f].sort((a, b) => (a.first < b.first ? -1 : 1));
    const ordered = [...byName.values()].sort(
      (a, b) => priorityOf(a.config) - priorityOf(b.config) || compareText(a.name, b.name),
    );
    return new PoolTable(byName, ordered, lookup, carried);
  }

  get(name: string): PoolState | undefined {
    return this.byName.get(name);
  }

  /** The pool whose ranges hold the address (usable or not), if any. O(log ranges). */
  poolOf(a: Address): PoolState | undefined {
    const entries = this.lookup[a.family];
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = entries[mid];
      if (!e) return undefined;
      if (a.value < e.first) hi = mid - 1;
      else if (a.value > e.last) lo = mid + 1;
      else return e.pool;
    }
    return undefined;
  }

  /** Whether the pool kept its usage from the previous table. */
  carriedOver(pool: PoolState): boolean {
    return this.carried.has(pool);
  }
}

function priorityOf(c: PoolConfig): number {
  const p = c.allocation?.priority;
  return typeof p === 'number' && !Number.isNaN(p) ? p : Number.POSITIVE_INFINITY;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isUsableConfig(c: PoolConfig): boolean {
  return typeof c === 'object' && c !== null && typeof c.name === 'string' && Array.isArray(c.ranges);
}

/** One family's ranges of a pool, clamped to the family, sorted and merged. */
function normalize(config: PoolConfig, family: Family): Ranges {
  const max = maxValue(family);
  const out: [bigint, bigint][] = [];
  for (const r of config.ranges) {
    if (r?.family !== family || typeof r.first !== 'bigint' || typeof r.last !== 'bigint') continue;
    const first = r.first < 0n ? 0n : r.first;
    const last = r.last > max ? max : r.last;
    if (first <= last) out.push([first, last]);
  }
  return normalizeRanges(out);
}

function normalizeRanges(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [first, last] of sorted) {
    const prev = out[out.length - 1];
    if (prev && first <= prev[1] + 1n) {
      if (last > prev[1]) prev[1] = last;
    } else out.push([first, last]);
  }
  return out;
}

/** `ranges` without `taken`; both sorted and merged. */
function subtract(ranges: Ranges, taken: Ranges): Ranges {
  const out: [bigint, bigint][] = [];
  for (const [first, last] of ranges) {
    let start = first;
    for (const [a, b] of taken) {
      if (b < start) continue;
      if (a > last) break;
      if (a > start) out.push([start, a - 1n]);
      start = b + 1n;
      if (start > last) break;
    }
    if (start <= last) out.push([start, last]);
  }
  return out;
}

function sameRanges(a: Ranges, b: Ranges): boolean {
  return a.length === b.length && a.every(([f, l], i) => b[i]?.[0] === f && b[i]?.[1] === l);
}
