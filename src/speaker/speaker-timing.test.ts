import { describe, expect, it } from 'vitest';
import {
  assertTiming,
  DEFAULT_ISOLATION_MS,
  DEFAULT_LEASE_RENEW_MS,
  leaseDurationSeconds,
  type SpeakerTiming,
  timingProblems,
} from './speaker-timing.js';

/** The CLI defaults. */
const DEFAULTS: SpeakerTiming = {
  heartbeatIntervalMs: 100,
  deadAfterMs: 400,
  isolationMs: DEFAULT_ISOLATION_MS,
  handoverMs: 1_000,
  leaseRenewMs: DEFAULT_LEASE_RENEW_MS,
};

describe('leaseDurationSeconds', () => {
  it.each([
    { renewMs: 1_000, want: 3 },
    { renewMs: 2_000, want: 6 },
    { renewMs: 2_500, want: 8 },
    { renewMs: 10_000, want: 30 },
    { renewMs: 100, want: 1 },
  ])('renew every $renewMs ms -> $want s', ({ renewMs, want }) => {
    expect(leaseDurationSeconds(renewMs)).toBe(want);
  });
});

describe('timingProblems', () => {
  it.each<{ name: string; change: Partial<SpeakerTiming>; want: string[]; check?: () => void }>([
    { name: 'the defaults', change: {}, want: [] },
    {
      name: "kubelet's Lease rate: 0.1 writes/s per node",
      change: {},
      want: [],
      check: () => expect(1_000 / DEFAULTS.leaseRenewMs).toBeLessThanOrEqual(0.1),
    },
    {
      name: 'a Lease renewed once a minute keeps the default isolation (issue 14: isolation reads, not writes)',
      change: { leaseRenewMs: 60_000 },
      want: [],
    },
    { name: 'the issue 12 settings still work', change: { leaseRenewMs: 2_000 }, want: [] },
    {
      name: 'zero',
      change: { heartbeatIntervalMs: 0 },
      want: ['--heartbeat-interval-ms must be a positive'],
    },
    { name: 'not an integer', change: { handoverMs: 1.5 }, want: ['--handover-ms must be a positive'] },
    {
      name: 'dead after one missed heartbeat',
      change: { deadAfterMs: 150 },
      want: ['--dead-after-ms (150) must be at least twice --heartbeat-interval-ms (100)'],
    },
    {
      name: 'Lease renewed more than once a second',
      change: { leaseRenewMs: 500 },
      want: ['--lease-renew-ms (500) must be at least 1000'],
    },
    {
      name: 'the Lease expires before heartbeats notice',
      change: { deadAfterMs: 3_000, leaseRenewMs: 1_000 },
      want: ['--dead-after-ms (3000) must be shorter than the Lease duration (3000 ms'],
    },
    {
      name: 'isolation too short for a loaded API server to answer its reads',
      change: { isolationMs: 1_500 },
      want: ['--isolation-ms (1500) must be at least 2000'],
    },
    {
      name: 'isolation no longer than dead-after: cut off before a peer could be judged dead',
      change: { isolationMs: 2_000, deadAfterMs: 2_000 },
      want: ['--isolation-ms (2000) must be longer than --dead-after-ms (2000)'],
    },
    {
      name: 'hand-over shorter than two heartbeats',
      change: { handoverMs: 150 },
      want: ['--handover-ms (150) must be at least twice --heartbeat-interval-ms (100)'],
    },
    {
      name: 'hand-over beyond the termination grace period',
      change: { handoverMs: 25_000 },
      want: ['--handover-ms (25000) must be at most 20000'],
    },
    {
      name: 'several problems at once are all listed',
      change: { deadAfterMs: 100, leaseRenewMs: 500 },
      want: ['--dead-after-ms (100)', '--lease-renew-ms (500)'],
    },
  ])('$name', ({ change, want, check }) => {
    check?.();
    const got = timingProblems({ ...DEFAULTS, ...change });
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => {
      expect(got[i]).toContain(w);
    });
  });

  it('assertTiming refuses with every problem in one message', () => {
    expect(() => assertTiming({ ...DEFAULTS, deadAfterMs: 100, leaseRenewMs: 500 })).toThrow(
      /inconsistent speaker timing flags:\n {2}- --dead-after-ms.*\n {2}- --lease-renew-ms/,
    );
    expect(() => assertTiming(DEFAULTS)).not.toThrow();
  });
});
