import { describe, expect, it } from 'vitest';
import { mustRelistOnLead } from './takeover-list.js';

describe('mustRelistOnLead', () => {
  it.each([
    { case: 'no list yet', listedAt: undefined, leadingSince: 100, want: true },
    {
      case: 'listed before the Lease was won (a standby taking over)',
      listedAt: 50,
      leadingSince: 100,
      want: true,
    },
    { case: 'listed the moment the Lease was won', listedAt: 100, leadingSince: 100, want: false },
    {
      case: 'listed after the Lease was won (start-up, Lease first)',
      listedAt: 130,
      leadingSince: 100,
      want: false,
    },
    { case: 'relisted after a 410 since leading', listedAt: 9_000, leadingSince: 100, want: false },
    {
      case: 'leading again after losing it: the old list is too old',
      listedAt: 130,
      leadingSince: 20_000,
      want: true,
    },
  ])('$case → $want', ({ listedAt, leadingSince, want }) => {
    expect(mustRelistOnLead(listedAt, leadingSince)).toBe(want);
  });
});
