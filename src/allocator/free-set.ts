import sortedBtree from 'sorted-btree';

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader hands us module.exports (class one
// level down), while bundler-style interop (vitest) unwraps it. Accept both.
type BTreeClass = typeof sortedBtree.default;
const BTree: BTreeClass = ((sortedBtree as unknown as { default?: BTreeClass }).default ??
  sortedBtree) as BTreeClass;

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The free addresses of one pool and family, as disjoint inclusive intervals in a B-tree keyed by
 * interval start. Every operation is O(log n) in the number of intervals, never in the number of
 * addresses, so a /64 or a /8 with 100,000 addresses in use costs the same as a /28.
 */
export class FreeSet {
  private readonly tree = new BTree<bigint, bigint>(undefined, cmp);
  private freeCount = 0n;

  constructor(intervals: Iterable<readonly [bigint, bigint]> = []) {
    for (const [first, last] of intervals) this.addInterval(first, last);
  }

  get available(): bigint {
    return this.freeCount;
  }

  /** Frees a whole interval (construction). Intervals must not overlap what is already free. */
  addInterval(first: bigint, last: bigint): void {
    if (last < first) return;
    this.tree.set(first, last);
    this.freeCount += last - first + 1n;
  }

  has(v: bigint): boolean {
    const p = this.tree.getPairOrNextLower(v);
    return p !== undefined && v <= p[1];
  }

  /** The lowest free address, left free. */
  lowest(): bigint | undefined {
    return this.tree.minKey();
  }

  /** Takes the lowest free address, or undefined when none is left. */
  takeLowest(): bigint | undefined {
    const first = this.tree.minKey();
    if (first === undefined) return undefined;
    this.take(first);
    return first;
  }

  /** Takes one specific address; false when it is not free. */
  take(v: bigint): boolean {
    const p = this.tree.getPairOrNextLower(v);
    if (!p || v > p[1]) return false;
    const [s, e] = p;
    this.tree.delete(s);
    if (s < v) this.tree.set(s, v - 1n);
    if (v < e) this.tree.set(v + 1n, e);
    this.freeCount -= 1n;
    return true;
  }

  /** Gives an address back, merging with free neighbours. Callers only give back what they took. */
  give(v: bigint): void {
    if (this.has(v)) return;
    let start = v;
    let end = v;
    const lower = this.tree.getPairOrNextLower(v);
    if (lower && lower[1] === v - 1n) {
      start = lower[0];
      this.tree.delete(lower[0]);
    }
    const upper = this.tree.get(v + 1n);
    if (upper !== undefined) {
      end = upper;
      this.tree.delete(v + 1n);
    }
    this.tree.set(start, end);
    this.freeCount += 1n;
  }
}
