import sortedBtree from 'sorted-btree';

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader hands us module.exports (class one
// level down), while bundler-style interop (vitest) unwraps it. Accept both.
type BTreeClass = typeof sortedBtree.default;
const BTree: BTreeClass = ((sortedBtree as unknown as { default?: BTreeClass }).default ??
  sortedBtree) as BTreeClass;

const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A set of bigints held as disjoint, non-adjacent inclusive intervals in a B-tree keyed by start.
 * Every operation is O(log k) in the number of intervals k, never in the number of members, so a
 * /64 costs what a /28 costs. Intervals are always merged with their neighbours, so the content
 * has exactly one representation whatever order it was built in (rebuilds compare equal).
 */
export class IntervalSet {
  private readonly tree = new BTree<bigint, bigint>(undefined, compare);
  private count = 0n;

  /** Number of members. */
  get size(): bigint {
    return this.count;
  }

  /** Adds [first, last]; parts already present are left as they are. */
  add(first: bigint, last: bigint): void {
    if (last < first) return;
    let start = first;
    let end = last;
    // Absorb every interval that overlaps or touches [first - 1, last + 1].
    const below = this.tree.getPairOrNextLower(first);
    if (below && below[1] >= first - 1n) {
      start = below[0];
      end = below[1] > end ? below[1] : end;
      this.remove(below[0], below[1]);
    }
    for (let next = this.tree.getPairOrNextHigher(start); next && next[0] <= end + 1n; ) {
      if (next[1] > end) end = next[1];
      this.remove(next[0], next[1]);
      next = this.tree.getPairOrNextHigher(start);
    }
    this.tree.set(start, end);
    this.count += end - start + 1n;
  }

  has(v: bigint): boolean {
    const p = this.tree.getPairOrNextLower(v);
    return p !== undefined && v <= p[1];
  }

  /** The smallest member, or undefined when empty. */
  lowest(): bigint | undefined {
    return this.tree.minKey();
  }

  /** Removes one member; false when it was not there. */
  take(v: bigint): boolean {
    const p = this.tree.getPairOrNextLower(v);
    if (!p || v > p[1]) return false;
    const [start, end] = p;
    this.tree.delete(start);
    if (start < v) this.tree.set(start, v - 1n);
    if (v < end) this.tree.set(v + 1n, end);
    this.count -= 1n;
    return true;
  }

  /** Adds one member, merging with its neighbours; false when it was already there. */
  give(v: bigint): boolean {
    if (this.has(v)) return false;
    this.add(v, v);
    return true;
  }

  /** The intervals in ascending order. */
  intervals(): [bigint, bigint][] {
    return [...this.tree.entries()];
  }

  private remove(start: bigint, end: bigint): void {
    this.tree.delete(start);
    this.count -= end - start + 1n;
  }
}
