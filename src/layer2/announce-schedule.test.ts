import { describe, expect, it } from 'vitest';
import { burstDurationMs, GRATUITOUS_SCHEDULE_MS, nextAnnouncement } from './announce-schedule.js';

describe('GRATUITOUS_SCHEDULE_MS', () => {
  it('starts at once, only grows, outlasts the 1 s Linux locktime and stays short', () => {
    expect(GRATUITOUS_SCHEDULE_MS[0]).toBe(0);
    for (let i = 1; i < GRATUITOUS_SCHEDULE_MS.length; i++) {
      expect(GRATUITOUS_SCHEDULE_MS[i]).toBeGreaterThan(
        GRATUITOUS_SCHEDULE_MS[i - 1] ?? Number.POSITIVE_INFINITY,
      );
    }
    expect(GRATUITOUS_SCHEDULE_MS.filter((t) => t > 1000).length).toBeGreaterThanOrEqual(1);
    expect(GRATUITOUS_SCHEDULE_MS.filter((t) => t <= 1000).length).toBeGreaterThanOrEqual(3);
    expect(burstDurationMs()).toBeLessThanOrEqual(5000);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(GRATUITOUS_SCHEDULE_MS)).toBe(true);
  });
});

describe('nextAnnouncement', () => {
  const schedule = [0, 100, 300, 700];

  it.each([
    { name: 'start of a burst', sent: 0, elapsed: 0, want: { index: 0, delayMs: 0 } },
    { name: 'first sent', sent: 1, elapsed: 2, want: { index: 1, delayMs: 98 } },
    { name: 'second due exactly', sent: 1, elapsed: 100, want: { index: 1, delayMs: 0 } },
    { name: 'waiting for the third', sent: 2, elapsed: 150, want: { index: 2, delayMs: 150 } },
    { name: 'late timer coalesces', sent: 1, elapsed: 350, want: { index: 2, delayMs: 0 } },
    { name: 'very late timer jumps to the last', sent: 1, elapsed: 10_000, want: { index: 3, delayMs: 0 } },
    { name: 'burst over', sent: 4, elapsed: 700, want: undefined },
    { name: 'burst over, more sent than scheduled', sent: 9, elapsed: 0, want: undefined },
    { name: 'clock before the start', sent: 0, elapsed: -50, want: { index: 0, delayMs: 0 } },
    { name: 'negative count', sent: -3, elapsed: 0, want: { index: 0, delayMs: 0 } },
  ])('$name', ({ sent, elapsed, want }) => {
    expect(nextAnnouncement(sent, elapsed, schedule)).toEqual(want);
  });

  it('an empty schedule announces nothing', () => {
    expect(nextAnnouncement(0, 0, [])).toBeUndefined();
    expect(burstDurationMs([])).toBe(0);
  });

  /**
   * Drives the function as an announcer with a fake clock would: ask when woken, send if due, otherwise sleep
   * for the delay; `lateness` delays every sleep.
   */
  function run(lateness: number): number[] {
    const sentAt: number[] = [];
    let now = 0;
    let sent = 0;
    for (let next = nextAnnouncement(sent, now); next; next = nextAnnouncement(sent, now)) {
      if (next.delayMs > 0) {
        now += next.delayMs + lateness;
        continue;
      }
      sentAt.push(now);
      sent = next.index + 1;
    }
    return sentAt;
  }

  it('walks the default schedule exactly when timers are on time', () => {
    expect(run(0)).toEqual([...GRATUITOUS_SCHEDULE_MS]);
  });

  it('sends no more than scheduled and ends when timers run late', () => {
    const sentAt = run(250);
    expect(sentAt.length).toBeLessThan(GRATUITOUS_SCHEDULE_MS.length);
    expect(sentAt[0]).toBe(0);
    expect(sentAt.at(-1)).toBeGreaterThanOrEqual(burstDurationMs());
  });
});
