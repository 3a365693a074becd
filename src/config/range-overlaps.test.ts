import { describe, expect, it } from 'vitest';
import { parseRange } from '../net/range.js';
import { compareRanges, overlappingPairs } from './range-overlaps.js';

function r(text: string) {
  const p = parseRange(text);
  if (!p.ok) throw new Error(`bad fixture ${text}: ${p.reason}`);
  return p.range;
}

describe('overlappingPairs', () => {
  const cases: { name: string; ranges: string[]; want: [number, number][] }[] = [
    { name: 'none', ranges: [], want: [] },
    { name: 'disjoint', ranges: ['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0-198.18.2.9'], want: [] },
    {
      name: 'adjacent is not overlapping',
      ranges: ['198.18.0.0-198.18.0.9', '198.18.0.10-198.18.0.19'],
      want: [],
    },
    { name: 'shared end', ranges: ['198.18.0.0-198.18.0.10', '198.18.0.10-198.18.0.19'], want: [[0, 1]] },
    { name: 'contained', ranges: ['198.18.0.0/16', '198.18.7.0/24'], want: [[0, 1]] },
    { name: 'unsorted input', ranges: ['198.18.7.0/24', '198.18.0.0/16'], want: [[1, 0]] },
    {
      name: 'one wide range over many',
      ranges: ['198.18.1.0/24', '198.18.0.0/16', '198.18.3.0/24', '198.19.0.0/24'],
      want: [
        [1, 0],
        [1, 2],
      ],
    },
    { name: 'same numbers, different families', ranges: ['0.0.0.0/24', '::/120'], want: [] },
    { name: 'IPv6', ranges: ['fd00::/64', 'fd00::10-fd00::20', 'fd00:1::/64'], want: [[0, 1]] },
  ];
  it.each(cases)('$name', ({ ranges, want }) => {
    const got = overlappingPairs(ranges.map((text, i) => ({ range: r(text), tag: i })));
    expect(got.map(([a, b]) => [a.tag, b.tag])).toEqual(want);
  });
});

describe('compareRanges', () => {
  it('orders IPv4 before IPv6, then by first, then by last', () => {
    const texts = ['fd00::/64', '198.18.1.0/24', '198.18.0.0/16', '198.18.0.0/24', '2001:db8::/32'];
    const sorted = texts.map(r).sort(compareRanges);
    expect(sorted).toEqual(
      ['198.18.0.0/24', '198.18.0.0/16', '198.18.1.0/24', '2001:db8::/32', 'fd00::/64'].map(r),
    );
  });
});
