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
