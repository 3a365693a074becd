import { describe, expect, it } from 'vitest';
import { electDelayMs } from './elect-pacing.js';

describe('electDelayMs', () => {
  it.each([
    { case: 'never elected', now: 10, last: Number.NEGATIVE_INFINITY, cost: 0, want: 0 },
    { case: 'last election long ago: at once', now: 1_000, last: 100, cost: 1, want: 0 },
    { case: 'exactly one interval ago: at once', now: 150, last: 100, cost: 1, want: 0 },
    { case: 'an election just ran: wait out the interval', now: 100, last: 100, cost: 1, want: 50 },
    { case: 'in the middle of the interval', now: 130, last: 100, cost: 1, want: 20 },
    {
      case: 'a costly election (30 ms) widens the interval to 150 ms',
      now: 130,
      last: 100,
      cost: 30,
      want: 120,
    },
    { case: 'the widened interval is over: at once', now: 250, last: 100, cost: 30, want: 0 },
  ])('$case → $want ms', ({ now, last, cost, want }) => {
    expect(electDelayMs(now, last, cost)).toBe(want);
  });
});
