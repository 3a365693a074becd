import { describe, expect, it } from 'vitest';
import { statusFieldKiB } from './lab-bench-util.js';

const status = ['Name:\tnode', 'VmRSS:\t   78412 kB', 'RssAnon:\t   20480 kB', 'RssFile:\t   57932 kB'].join(
  '\n',
);

describe('statusFieldKiB', () => {
  it.each([
    { field: 'VmRSS', want: 78_412 },
    { field: 'RssAnon', want: 20_480 },
    { field: 'RssFile', want: 57_932 },
    // A field that only starts like another is not it.
    { field: 'Rss', want: Number.NaN },
    { field: 'VmSwap', want: Number.NaN },
  ])('$field → $want', ({ field, want }) => {
    expect(statusFieldKiB(status, field)).toBe(want);
  });
});
