import { compareAddress } from '../net/address.js';
import type { AddressRange } from '../net/range.js';

export interface Tagged<T> {
  readonly range: AddressRange;
  readonly tag: T;
}

/** Orders by family, then first address, then last. */
export function compareRanges(a: AddressRange, b: AddressRange): number {
  return (
    compareAddress({ family: a.family, value: a.first }, { family: b.family, value: b.first }) ||
    (a.last < b.last ? -1 : a.last > b.last ? 1 : 0)
  );
}

/**
 * Every pair of overlapping ranges, each pair once, in address order. Sorting first keeps this
 * O(n log n + pairs) instead of comparing every range with every other one.
 */
export function overlappingPairs<T>(items: readonly Tagged<T>[]): [Tagged<T>, Tagged<T>][] {
  const sorted = [...items].sort((a, b) => compareRanges(a.range, b.range));
  const pairs: [Tagged<T>, Tagged<T>][] = [];
  sorted.forEach((a, i) => {
    for (const b of sorted.slice(i + 1)) {
      // Sorted by first: once b starts past a (or is of the next family), so do all after it.
      if (b.range.family !== a.range.family || b.range.first > a.range.last) break;
      pairs.push([a, b]);
    }
  });
  return pairs;
}
