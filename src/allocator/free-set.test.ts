import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeSet } from './free-set.js';

describe('FreeSet', () => {
  it('takes lowest first, specific addresses, and merges on give', () => {
    const s = new FreeSet([
      [10n, 12n],
      [20n, 20n],
    ]);
    expect(s.available).toBe(4n);
    expect(s.takeLowest()).toBe(10n);
    expect(s.take(12n)).toBe(true);
    expect(s.take(12n)).toBe(false);
    expect(s.takeLowest()).toBe(11n);
    expect(s.takeLowest()).toBe(20n);
    expect(s.takeLowest()).toBeUndefined();
    s.give(11n);
    s.give(10n);
    s.give(12n);
    expect(s.available).toBe(3n);
    expect(s.takeLowest()).toBe(10n);
  });

  it('handles a /64 without enumerating it', () => {
    const s = new FreeSet([[0n, (1n << 64n) - 1n]]);
    expect(s.take(1n << 63n)).toBe(true);
    expect(s.available).toBe((1n << 64n) - 1n);
    expect(s.has(1n << 63n)).toBe(false);
    expect(s.has((1n << 63n) + 1n)).toBe(true);
  });

  it('agrees with a naive set under random take/give', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 63 })), { maxLength: 300 }),
        (ops) => {
          const s = new FreeSet([[0n, 63n]]);
          const naive = new Set(Array.from({ length: 64 }, (_, i) => BigInt(i)));
          for (const [isTake, n] of ops) {
            const v = BigInt(n);
            if (isTake) expect(s.take(v)).toBe(naive.delete(v));
            else if (!naive.has(v)) {
              s.give(v);
              naive.add(v);
            }
            expect(s.available).toBe(BigInt(naive.size));
          }
          const lowest = [...naive].sort((a, b) => (a < b ? -1 : 1))[0];
          expect(s.takeLowest()).toBe(lowest);
        },
      ),
    );
  });
});
