import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from './interval-set.js';

const build = (...intervals: [bigint, bigint][]) => {
  const s = new IntervalSet();
  for (const [a, b] of intervals) s.add(a, b);
  return s;
};

describe('IntervalSet', () => {
  it.each([
    {
      name: 'disjoint stay apart',
      add: [
        [1n, 3n],
        [10n, 12n],
      ],
      want: [
        [1n, 3n],
        [10n, 12n],
      ],
      size: 6n,
    },
    {
      name: 'adjacent merge',
      add: [
        [1n, 3n],
        [4n, 6n],
      ],
      want: [[1n, 6n]],
      size: 6n,
    },
    {
      name: 'adjacent merge, added backwards',
      add: [
        [4n, 6n],
        [1n, 3n],
      ],
      want: [[1n, 6n]],
      size: 6n,
    },
    {
      name: 'overlap is a union',
      add: [
        [1n, 5n],
        [3n, 8n],
      ],
      want: [[1n, 8n]],
      size: 8n,
    },
    {
      name: 'bridging absorbs several',
      add: [
        [1n, 2n],
        [5n, 6n],
        [9n, 9n],
        [3n, 8n],
      ],
      want: [[1n, 9n]],
      size: 9n,
    },
    {
      name: 'contained adds nothing',
      add: [
        [1n, 9n],
        [3n, 4n],
      ],
      want: [[1n, 9n]],
      size: 9n,
    },
    { name: 'empty interval ignored', add: [[5n, 4n]], want: [], size: 0n },
  ] as { name: string; add: [bigint, bigint][]; want: [bigint, bigint][]; size: bigint }[])(
    'add: $name',
    ({ add, want, size }) => {
      const s = build(...add);
      expect(s.intervals()).toEqual(want);
      expect(s.size).toBe(size);
    },
  );

  it('takes specific members, splits and re-merges runs', () => {
    const s = build([10n, 12n], [20n, 20n]);
    expect(s.lowest()).toBe(10n);
    expect(s.take(11n)).toBe(true);
    expect(s.take(11n)).toBe(false);
    expect(s.take(15n)).toBe(false);
    expect(s.intervals()).toEqual([
      [10n, 10n],
      [12n, 12n],
      [20n, 20n],
    ]);
    expect(s.give(11n)).toBe(true);
    expect(s.give(11n)).toBe(false);
    expect(s.intervals()).toEqual([
      [10n, 12n],
      [20n, 20n],
    ]);
    expect(s.size).toBe(4n);
  });

  it('handles a /64 without enumerating it', () => {
    const s = build([0n, (1n << 64n) - 1n]);
    expect(s.take(1n << 63n)).toBe(true);
    expect(s.size).toBe((1n << 64n) - 1n);
    expect(s.has(1n << 63n)).toBe(false);
    expect(s.has((1n << 63n) + 1n)).toBe(true);
  });

  it('agrees with a naive set, and its shape depends only on its members (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 63 })), { maxLength: 300 }),
        (ops) => {
          const s = build([0n, 63n]);
          const naive = new Set(Array.from({ length: 64 }, (_, i) => BigInt(i)));
          for (const [isTake, n] of ops) {
            const v = BigInt(n);
            if (isTake) expect(s.take(v)).toBe(naive.delete(v));
            else expect(s.give(v)).toBe(!naive.has(v) && naive.add(v) !== undefined);
            expect(s.size).toBe(BigInt(naive.size));
          }
          const sorted = [...naive].sort((a, b) => (a < b ? -1 : 1));
          expect(s.lowest()).toBe(sorted[0]);
          // Rebuilt from members one by one, in reverse: the same intervals.
          const again = new IntervalSet();
          for (const v of sorted.reverse()) again.give(v);
          expect(again.intervals()).toEqual(s.intervals());
        },
      ),
    );
  });
});
