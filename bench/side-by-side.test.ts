import { describe, expect, it } from 'vitest';
import { comparisonTable, ratioText } from './side-by-side.js';

describe('ratioText', () => {
  it.each<{ m: number; b: number; unit: 'time' | 'amount'; want: string }>([
    { m: 5900, b: 550, unit: 'time', want: 'BareLB 10.7× faster' },
    { m: 550, b: 5900, unit: 'time', want: 'BareLB 10.7× slower' },
    { m: 65, b: 89, unit: 'amount', want: 'BareLB 1.4× more' },
    { m: 57, b: 40, unit: 'amount', want: 'BareLB 1.4× less' },
    { m: 100, b: 97, unit: 'amount', want: 'even' },
    { m: 3, b: 3, unit: 'time', want: 'even' },
    { m: 0, b: 0.1, unit: 'amount', want: 'MetalLB 0' },
    { m: 0.1, b: 0, unit: 'amount', want: 'BareLB 0' },
    { m: 0, b: 0, unit: 'amount', want: 'even' },
    { m: Number.NaN, b: 1, unit: 'time', want: 'not measured' },
    { m: 1, b: Number.POSITIVE_INFINITY, unit: 'time', want: 'not measured' },
  ])('$m vs $b ($unit) -> $want', ({ m, b, unit, want }) => {
    expect(ratioText(m, b, unit)).toBe(want);
  });
});

describe('comparisonTable', () => {
  it('aligns the columns and leaves the ratio empty where nothing is compared', () => {
    expect(
      comparisonTable([
        {
          name: 'speaker RSS',
          metallb: '65.0 MiB',
          barelb: '89.0 MiB',
          compare: { metallb: 65, barelb: 89, unit: 'amount' },
        },
        { name: 'restart', metallb: '0 of 400', barelb: '0 of 475' },
      ]),
    ).toEqual([
      '            | MetalLB  | BareLB   |',
      'speaker RSS | 65.0 MiB | 89.0 MiB | BareLB 1.4× more',
      'restart     | 0 of 400 | 0 of 475 |',
    ]);
  });
});
