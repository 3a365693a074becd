import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../k8s/clock.js';
import { FakeLeaseStore } from '../k8s/fake-lease-client.js';
import type { LeaseClient } from '../k8s/lease-client.js';
import { NodeLease } from './node-lease.js';

const log = pino({ level: 'silent' });
const NS = 'barelb-system';
const OPTS = { namespace: NS, node: 'n1', renewMs: 20, durationSeconds: 1 };

/** A client whose reads are counted and can be held, to catch a renew in flight. */
function gatedClient(store: FakeLeaseStore) {
  const inner = store.client();
  let gate: Promise<void> | undefined;
  let open: () => void = () => {};
  const c = {
    reads: 0,
    hold() {
      gate = new Promise<void>((r) => {
        open = r;
      });
    },
    release() {
      open();
      gate = undefined;
    },
    client: {
      get: async (ns, name) => {
        c.reads++;
        if (gate) await gate;
        return inner.get(ns, name);
      },
      create: (l) => inner.create(l),
      replace: (l) => inner.replace(l),
    } satisfies LeaseClient,
  };
  return c;
}

/** A NodeLease on a fake clock over an in-memory store, its client gated. */
function setup(start = 0) {
  const clock = new FakeClock(start);
  const store = new FakeLeaseStore();
  const c = gatedClient(store);
  const lease = new NodeLease(
    c.client,
    OPTS,
    log,
    () => {},
    clock,
    () => 1_700_000_000_000,
  );
  return { clock, store, c, lease };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('NodeLease', () => {
  it('renews every period while running', async () => {
    const { clock, store, lease } = setup();
    lease.start();
    await flush();
    await clock.advance(1_000);
    expect(lease.writes).toBeGreaterThanOrEqual(40);
    expect(store.get(NS, 'barelb-speaker-n1')?.spec?.holderIdentity).toBe('n1');
    await lease.stop();
  });

  it('stop() is final: a renew in flight during stop() does not re-arm the timer (issue 12, finding 2)', async () => {
    const { clock, c, lease } = setup();
    c.hold();
    lease.start();
    await flush();
    expect(c.reads).toBe(1);
    const stopping = lease.stop();
    c.release();
    await stopping;
    await flush();
    const readsAtStop = c.reads;
    // Fake time for the fixed code, real time too: the code before the fix armed a real timer.
    await clock.advance(10 * OPTS.renewMs);
    await sleep(10 * OPTS.renewMs);
    expect(c.reads).toBe(readsAtStop);
  });

  it('stop({release}) waits for the renew in flight, then releases: no holder, 1 s duration', async () => {
    const { clock, store, c, lease } = setup();
    lease.start();
    await flush();
    await clock.advance(OPTS.renewMs + 1);
    c.hold();
    await clock.advance(OPTS.renewMs);
    const stopping = lease.stop({ release: true });
    await flush();
    c.release();
    await stopping;
    const spec = store.get(NS, 'barelb-speaker-n1')?.spec;
    expect(spec?.holderIdentity).toBeUndefined();
    expect(spec?.leaseDurationSeconds).toBe(1);
    const reads = c.reads;
    await clock.advance(10 * OPTS.renewMs);
    expect(c.reads).toBe(reads);
  });

  it('a release the API server never answers gives up after its timeout', async () => {
    const { clock, store, c, lease } = setup();
    lease.start();
    await flush();
    c.hold();
    let done = false;
    const stopping = lease.stop({ release: true }).then(() => {
      done = true;
    });
    await flush();
    expect(done).toBe(false);
    await clock.advance(2_000);
    await stopping;
    expect(done).toBe(true);
    expect(store.get(NS, 'barelb-speaker-n1')?.spec?.holderIdentity).toBe('n1');
  });

  // Renewals every 20 ms from 0; `wait` ms pass, then renewBy(each of `asks`), then `more` ms.
  it.each<{ name: string; wait: number; asks: number[]; more: number; writes: number; lastWrite: number }>([
    {
      name: 'a time before the next period: one renewal then',
      wait: 0,
      asks: [5],
      more: 6,
      writes: 2,
      lastWrite: 5,
    },
    { name: 'past the next period: nothing extra', wait: 0, asks: [30], more: 19, writes: 1, lastWrite: 0 },
    {
      name: 'one time asked again and again: one renewal',
      wait: 0,
      asks: [5, 5, 4],
      more: 6,
      writes: 2,
      lastWrite: 4,
    },
    { name: 'a time already passed: at once', wait: 8, asks: [3], more: 1, writes: 2, lastWrite: 8 },
    {
      name: 'a time before the last renewal started: nothing',
      wait: 8,
      asks: [0],
      more: 1,
      writes: 1,
      lastWrite: 0,
    },
  ])('renewBy: $name', async ({ wait, asks, more, writes, lastWrite }) => {
    const { clock, lease } = setup();
    lease.start();
    await flush();
    await clock.advance(wait);
    for (const t of asks) lease.renewBy(t);
    await clock.advance(more);
    expect(lease.writes).toBe(writes);
    expect(lease.lastWrite).toBe(lastWrite);
    await lease.stop();
  });

  it('renewBy during a renewal in flight: one more renewal once it ends, then the period again', async () => {
    const { clock, c, lease } = setup();
    lease.start();
    await flush();
    await clock.advance(OPTS.renewMs);
    expect(lease.writes).toBe(2);
    c.hold();
    await clock.advance(OPTS.renewMs);
    // The renewal that started at 40 is stuck; an early one is asked for at 45.
    lease.renewBy(45);
    await clock.advance(10);
    c.release();
    await flush();
    expect(lease.writes).toBe(3);
    await clock.advance(0);
    await flush();
    expect(lease.writes).toBe(4);
    await lease.stop();
  });

  /** A NodeLease whose API server fails while `down` is set, counting every call it makes. */
  function flaky(renewMs: number) {
    const store = new FakeLeaseStore();
    const clock = new FakeClock(0);
    const api = { down: false, calls: 0 };
    const lease = new NodeLease(
      store.client({
        failing: () => {
          api.calls++;
          return api.down;
        },
      }),
      { ...OPTS, renewMs },
      log,
      () => {},
      clock,
    );
    return { store, clock, api, lease };
  }

  it('a failed early renewal is not retried before the next period', async () => {
    const { clock, api, lease } = flaky(OPTS.renewMs);
    lease.start();
    await flush();
    api.down = true;
    lease.renewBy(5);
    await clock.advance(5);
    const calls = api.calls;
    expect(calls).toBeGreaterThan(2);
    for (let t = 6; t < 19; t++) {
      lease.renewBy(5);
      await clock.advance(1);
    }
    expect(api.calls).toBe(calls);
    expect(lease.lastWrite).toBe(0);
    await lease.stop();
  });

  it('checkApi reads without writing, and says whether the API server answered', async () => {
    const { store, clock, api, lease } = flaky(10_000);
    lease.start();
    await flush();
    await clock.advance(3_000);
    expect(await lease.checkApi()).toBe(true);
    expect(lease.lastSuccess).toBe(3_000);
    expect(lease.lastWrite).toBe(0);
    expect(store.writes).toBe(1);
    api.down = true;
    await clock.advance(1_000);
    expect(await lease.checkApi()).toBe(false);
    expect(lease.lastSuccess).toBe(3_000);
    await lease.stop();
  });

  it('lastSuccess follows the injected (monotonic) clock, not the wall clock', async () => {
    const { clock, lease } = setup(5_000);
    expect(lease.lastSuccess).toBe(5_000);
    lease.start();
    await flush();
    await clock.advance(50);
    expect(lease.lastSuccess).toBe(5_040);
    await lease.stop();
  });
});
