import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../k8s/clock.js';
import { HEAP_TRIM_QUIET_MS, HeapTrimmer } from './heap-trim.js';

const log = pino({ level: 'silent' });
const Q = HEAP_TRIM_QUIET_MS;

describe('HeapTrimmer trims once the work has been quiet for a while', () => {
  it.each<{ name: string; workAt: number[]; stopAt?: number; until: number; trimsAt: number[] }>([
    { name: 'no work, no trim', workAt: [], until: 5 * Q, trimsAt: [] },
    { name: 'one burst: one trim, quiet ms after it', workAt: [0], until: 5 * Q, trimsAt: [Q] },
    { name: 'work again before the trim puts it off', workAt: [0, Q / 2], until: 5 * Q, trimsAt: [1.5 * Q] },
    { name: 'two bursts far apart: two trims', workAt: [0, 3 * Q], until: 5 * Q, trimsAt: [Q, 4 * Q] },
    { name: 'stopped before it fires: none', workAt: [0], stopAt: Q / 2, until: 5 * Q, trimsAt: [] },
    { name: 'work after stop: none', workAt: [2 * Q], stopAt: Q, until: 5 * Q, trimsAt: [] },
  ])('$name', async ({ workAt, stopAt, until, trimsAt }) => {
    const clock = new FakeClock();
    const trims: number[] = [];
    const t = new HeapTrimmer(clock, log, () => {
      trims.push(clock.now());
      return true;
    });
    const steps = [
      ...workAt.map((at) => ({ at, stop: false })),
      ...(stopAt === undefined ? [] : [{ at: stopAt, stop: true }]),
    ];
    for (const s of steps.sort((a, b) => a.at - b.at)) {
      await clock.advance(s.at - clock.now());
      if (s.stop) t.stop();
      else t.workEnded();
    }
    await clock.advance(until - clock.now());
    expect(trims).toEqual(trimsAt);
  });

  it('gives up for good when the addon cannot be loaded', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const t = new HeapTrimmer(clock, log, () => {
      calls++;
      throw new Error("Cannot find module '@barelb/af-packet'");
    });
    t.workEnded();
    await clock.advance(Q);
    t.workEnded();
    await clock.advance(Q);
    expect(calls).toBe(1);
  });
});
