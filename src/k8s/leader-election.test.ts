import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { FakeLeaseStore } from './fake-lease-client.js';
import { LeaderElector } from './leader-election.js';

const log = pino({ level: 'silent' });

function candidate(store: FakeLeaseStore, clock: FakeClock, id: string, failing?: () => boolean) {
  const events: string[] = [];
  const e = new LeaderElector(
    store.client(failing ? { failing } : {}),
    'barelb-system',
    'barelb-controller',
    id,
    { onStartedLeading: () => events.push('start'), onStoppedLeading: () => events.push('stop') },
    clock,
    log,
  );
  return { e, events };
}

describe('LeaderElector', () => {
  it('elects exactly one of two candidates', async () => {
    const clock = new FakeClock(1_000_000);
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    a.e.start();
    await clock.advance(1);
    b.e.start();
    await clock.advance(60_000);
    expect(a.e.isLeader()).toBe(true);
    expect(b.e.isLeader()).toBe(false);
    expect(store.get('barelb-system', 'barelb-controller')?.spec?.holderIdentity).toBe('a');
  });

  it('a leader that cannot renew steps down within the renew deadline; the other takes over after the lease duration', async () => {
    const clock = new FakeClock(1_000_000);
    const store = new FakeLeaseStore();
    let cut = false;
    const a = candidate(store, clock, 'a', () => cut);
    const b = candidate(store, clock, 'b');
    a.e.start();
    await clock.advance(1);
    b.e.start();
    await clock.advance(5_000);
    cut = true;
    const cutAt = clock.now();
    await clock.advance(10_000);
    expect(a.e.isLeader()).toBe(false);
    expect(a.events).toEqual(['start', 'stop']);
    // Not before the lease duration, as observed by b: no overlap of leaders.
    expect(b.e.isLeader()).toBe(false);
    await clock.advance(10_000);
    expect(b.e.isLeader()).toBe(true);
    expect(clock.now() - cutAt).toBeGreaterThanOrEqual(15_000);
  });

  it('isLeader turns false the moment the renew deadline passes, even before the next tick', async () => {
    const clock = new FakeClock(0);
    const store = new FakeLeaseStore();
    let cut = false;
    const a = candidate(store, clock, 'a', () => cut);
    a.e.start();
    await clock.advance(1);
    expect(a.e.isLeader()).toBe(true);
    cut = true;
    await clock.advance(10_001);
    expect(a.e.isLeader()).toBe(false);
  });

  it('releases the lease on stop so a successor takes over at its next retry', async () => {
    const clock = new FakeClock(0);
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    a.e.start();
    await clock.advance(1);
    b.e.start();
    await clock.advance(3_000);
    await a.e.stop();
    expect(a.events).toEqual(['start', 'stop']);
    await clock.advance(3_000);
    expect(b.e.isLeader()).toBe(true);
  });

  // Seen in bench:vs-metallb: a stop during a renewal read the Lease before the renewal wrote it, and
  // its release failed with 409; the successor then waited for the Lease to expire.
  it('a stop during a renewal releases the lease after the renewal, not against it', async () => {
    const clock = new FakeClock(0);
    const store = new FakeLeaseStore();
    const a = candidate(store, clock, 'a');
    a.e.start();
    await clock.advance(1);
    expect(a.e.isLeader()).toBe(true);
    const open = store.hold();
    await clock.advance(2_000);
    const stopped = a.e.stop();
    await clock.advance(1);
    open();
    await stopped;
    expect(store.get('barelb-system', 'barelb-controller')?.spec?.holderIdentity).toBe('');
    expect(a.events).toEqual(['start', 'stop']);
  });

  // Issue 14: client-go's leader renews once per RetryPeriod (wait.Until over a poll of
  // tryAcquireOrRenew), 0.5 writes/s at the defaults; a standby only reads until the Lease expires.
  it("writes no more often than client-go's defaults: one renewal per retry period, none by a standby", async () => {
    const clock = new FakeClock(0);
    const store = new FakeLeaseStore();
    const [leader, standby] = ['a', 'b'].map((id) => candidate(store, clock, id).e);
    leader?.start();
    await clock.advance(1);
    standby?.start();
    const created = store.writes;
    await clock.advance(60_000);
    expect(store.writes - created).toBe(30);
    expect(store.get('barelb-system', 'barelb-controller')?.spec?.holderIdentity).toBe('a');
  });
});
