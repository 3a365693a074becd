import { describe, expect, it } from 'vitest';
import { arpSilence } from './lab-probe.js';

describe('arpSilence: how long an IP went unanswered while the probe was asking', () => {
  const ticks = [0, 100, 200, 300, 400, 500];
  it.each<{ name: string; ticks?: number[]; replies: number[]; want: number }>([
    { name: 'every round answered', replies: [5, 105, 205, 305, 405, 505], want: 0 },
    { name: 'two rounds unanswered', replies: [5, 105, 405, 505], want: 200 },
    { name: 'unanswered to the end of the window', replies: [5, 105], want: 400 },
    { name: 'nothing answered at all', replies: [], want: 600 },
    {
      name: 'the probe stalled for 1 s (no rounds sent): no silence',
      ticks: [0, 100, 1_100, 1_200],
      replies: [5, 105, 1_105, 1_205],
      want: 0,
    },
    {
      name: 'a reply from before the window does not count',
      replies: [-5, 105, 205, 305, 405, 505],
      want: 100,
    },
  ])('$name', ({ ticks: t = ticks, replies, want }) => {
    expect(arpSilence(t, replies, (t.at(-1) ?? 0) + 100)).toBe(want);
  });
});
