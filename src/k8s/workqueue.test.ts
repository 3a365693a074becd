import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { WorkQueue } from './workqueue.js';

describe('WorkQueue', () => {
  it('collapses duplicates and keeps order', async () => {
    const q = new WorkQueue(new FakeClock());
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    expect(q.length).toBe(3);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(['a', 'b', 'c']);
  });

  it('never hands out a key that is being processed, and reprocesses it when re-added', async () => {
    const q = new WorkQueue(new FakeClock());
    q.add('a');
    const first = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    q.done(first ?? '');
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('is busy while a key is queued or processed, not while it waits out a backoff', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock);
    expect(q.busy).toBe(false);
    q.add('a');
    expect(q.busy).toBe(true);
    const k = (await q.get()) ?? '';
    expect(q.busy).toBe(true);
    q.addRateLimited(k);
    q.done(k);
    expect(q.busy).toBe(false);
  });

  it('wakes a waiting worker', async () => {
    const q = new WorkQueue(new FakeClock());
    const pending = q.get();
    q.add('x');
    expect(await pending).toBe('x');
  });

  it.each([
    { failures: 1, delay: 5 },
    { failures: 2, delay: 10 },
    { failures: 4, delay: 40 },
    { failures: 20, delay: 30_000 },
  ])(
    'backs off exponentially: after $failures failures the key returns after $delay ms',
    async ({ failures, delay }) => {
      const clock = new FakeClock();
      const q = new WorkQueue(clock);
      for (let i = 0; i < failures - 1; i++) q.addRateLimited('k');
      // Drain the earlier retries so only the last one is pending.
      await clock.advance(10 ** 9);
      while (q.length > 0) q.done((await q.get()) ?? '');
      q.addRateLimited('k');
      await clock.advance(delay - 1);
      expect(q.length).toBe(0);
      await clock.advance(1);
      expect(q.length).toBe(1);
    },
  );

  it('forget resets the backoff', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock);
    q.addRateLimited('k');
    q.addRateLimited('k');
    q.forget('k');
    expect(q.retries('k')).toBe(0);
  });

  it('returns undefined to workers after shutdown', async () => {
    const q = new WorkQueue(new FakeClock());
    const pending = q.get();
    q.shutDown();
    expect(await pending).toBeUndefined();
    q.add('late');
    expect(await q.get()).toBeUndefined();
  });

  type Step = { add: string } | { get: true } | { done: string } | { retry: string } | { tick: number };
  it.each<{ name: string; steps: Step[]; drained: number }>([
    { name: 'nothing processed', steps: [{ add: 'a' }], drained: 0 },
    { name: 'one key processed', steps: [{ add: 'a' }, { get: true }, { done: 'a' }], drained: 1 },
    {
      name: 'a burst drains once, at its end',
      steps: [{ add: 'a' }, { add: 'b' }, { get: true }, { done: 'a' }, { get: true }, { done: 'b' }],
      drained: 1,
    },
    {
      name: 'two workers: the first done leaves the other key processing',
      steps: [{ add: 'a' }, { add: 'b' }, { get: true }, { get: true }, { done: 'a' }, { done: 'b' }],
      drained: 1,
    },
    {
      name: 'a key re-added while processed is queued again, so not drained',
      steps: [{ add: 'a' }, { get: true }, { add: 'a' }, { done: 'a' }],
      drained: 0,
    },
    {
      name: 'a failed key waiting out its backoff does not hold the drain back',
      steps: [{ add: 'a' }, { get: true }, { retry: 'a' }, { done: 'a' }],
      drained: 1,
    },
    {
      name: 'its retry is a new burst that drains again',
      steps: [
        { add: 'a' },
        { get: true },
        { retry: 'a' },
        { done: 'a' },
        { tick: 5 },
        { get: true },
        { done: 'a' },
      ],
      drained: 2,
    },
  ])('calls onDrained when done leaves it idle: $name', async ({ steps, drained }) => {
    const clock = new FakeClock();
    let calls = 0;
    const q = new WorkQueue(clock, { onDrained: () => calls++ });
    for (const s of steps) {
      if ('add' in s) q.add(s.add);
      else if ('get' in s) await q.get();
      else if ('done' in s) q.done(s.done);
      else if ('retry' in s) q.addRateLimited(s.retry);
      else await clock.advance(s.tick);
    }
    expect(calls).toBe(drained);
  });
});
