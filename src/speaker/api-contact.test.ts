import { describe, expect, it } from 'vitest';
import type { AnnounceGate } from '../election/quorum.js';
import { apiCheckAt, apiCheckEveryMs, exactHalfSince, leaseRenewAt } from './api-contact.js';

describe('apiCheckAt', () => {
  const base = { nodes: 3, heardPeers: 0, lastApiSuccess: 10_000, isolationMs: 5_000 };
  it.each<{ name: string; change: Partial<typeof base>; want: number | undefined }>([
    { name: 'steady: peers heard, nothing read', change: { heardPeers: 2 }, want: undefined },
    {
      name: 'three nodes, no peer heard: a read a quarter isolation after the last answer',
      change: {},
      want: 11_250,
    },
    {
      name: 'the last answer long ago (the last renewal): due already, so read at once',
      change: { lastApiSuccess: 0 },
      want: 1_250,
    },
    { name: 'two nodes: isolation never applies there, nothing read', change: { nodes: 2 }, want: undefined },
    { name: 'alone: nothing read', change: { nodes: 1 }, want: undefined },
  ])('$name', ({ change, want }) => {
    expect(apiCheckAt({ ...base, ...change })).toBe(want);
  });

  it.each([
    [5_000, 1_250],
    [2_000, 500],
    [3, 1],
  ])('isolation %i ms: a read every %i ms', (iso, want) => {
    expect(apiCheckEveryMs(iso)).toBe(want);
  });
});

describe('exactHalfSince', () => {
  it.each<{ gate: AnnounceGate; prev: number | undefined; want: number | undefined }>([
    { gate: 'majority', prev: undefined, want: undefined },
    { gate: 'majority', prev: 500, want: undefined },
    { gate: 'minority', prev: 500, want: undefined },
    { gate: 'no-lease-view', prev: 500, want: undefined },
    { gate: 'half-tie-break', prev: undefined, want: 1_000 },
    { gate: 'half-others-unproven', prev: undefined, want: 1_000 },
    { gate: 'half-others-unproven', prev: 500, want: 500 },
    { gate: 'half-others-alive', prev: 500, want: 500 },
  ])('$gate, half since $prev -> $want', ({ gate, prev, want }) => {
    expect(exactHalfSince(prev, gate, 1_000)).toBe(want);
  });
});

describe('leaseRenewAt', () => {
  it.each<{ name: string; halfSince: number | undefined; lastWrite: number; want: number | undefined }>([
    { name: 'not half: the periodic renewal will do', halfSince: undefined, lastWrite: 0, want: undefined },
    { name: 'half since 1 s: renew two dead-afters on', halfSince: 1_000, lastWrite: 0, want: 1_800 },
    {
      name: 'written before the due time: renew anyway (the far side may not have judged us unheard then)',
      halfSince: 1_000,
      lastWrite: 1_500,
      want: 1_800,
    },
    {
      name: 'written at or after the due time: that write is the proof',
      halfSince: 1_000,
      lastWrite: 1_800,
      want: undefined,
    },
    { name: 'never written', halfSince: 1_000, lastWrite: Number.NEGATIVE_INFINITY, want: 1_800 },
  ])('$name', ({ halfSince, lastWrite, want }) => {
    expect(leaseRenewAt(halfSince, lastWrite, 800)).toBe(want);
  });
});
