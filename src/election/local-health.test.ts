import { describe, expect, it } from 'vitest';
import { HEALTHY, type LocalHealth, noteAccused, noteTick, scaleTimeout } from './local-health.js';

const c = { maxScore: 4, lateMs: 50, recoverTicks: 3 };
const run = (lates: readonly number[], from: LocalHealth = HEALTHY) =>
  lates.reduce((h, late, i) => noteTick(h, late, i * 100, c), from);

describe('local health', () => {
  it.each([
    { name: 'on-time ticks stay healthy', lates: [0, 2, 10, 49], score: 0, timeout: 400 },
    { name: 'one late tick', lates: [0, 60], score: 1, timeout: 600 },
    { name: 'a 1 s pause counts more than a hiccup', lates: [1_000], score: 4, timeout: 1_200 },
    { name: 'capped at maxScore', lates: [5_000, 5_000], score: 4, timeout: 1_200 },
    {
      name: 'recovers one step per recoverTicks on-time ticks',
      lates: [60, 60, 0, 0, 0],
      score: 1,
      timeout: 600,
    },
    { name: 'recovers fully', lates: [60, 0, 0, 0, 0, 0, 0], score: 0, timeout: 400 },
  ])('$name', ({ lates, score, timeout }) => {
    const h = run(lates);
    expect(h.score).toBe(score);
    expect(scaleTimeout(h, 400)).toBe(timeout);
  });

  it('remembers when the last stall ended', () => {
    expect(run([0, 0, 300, 0]).stallEnd).toBe(200);
    expect(run([0, 0]).stallEnd).toBe(Number.NEGATIVE_INFINITY);
  });

  it('being accused while alive raises the score', () => {
    expect(noteAccused(HEALTHY, c).score).toBe(1);
    expect(noteAccused(run([5_000]), c).score).toBe(4);
  });
});
