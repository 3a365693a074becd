import { describe, expect, it } from 'vitest';
import { BfdDiag, type BfdPacket } from './bfd-packet.js';
import {
  type BfdSession,
  detectionTimeUs,
  expire,
  jitteredMs,
  maySend,
  newBfdSession,
  packetFor,
  receive,
  txIntervalUs,
} from './bfd-session-state.js';

const cfg = { desiredMinTxUs: 100_000, requiredMinRxUs: 100_000, detectMult: 3, passive: false };
const from = (state: BfdPacket['state'], o: Partial<BfdPacket> = {}): BfdPacket => ({
  diag: 0,
  state,
  poll: false,
  final: false,
  detectMult: 3,
  myDiscr: 99,
  yourDiscr: state === 'Down' || state === 'AdminDown' ? 0 : 42,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 0,
  ...o,
});
const at = (state: BfdSession['state'], o: Partial<BfdSession> = {}): BfdSession => ({
  ...newBfdSession(42),
  state,
  remoteDiscr: 99,
  ...o,
});

describe('receive (RFC 5880 §6.8.6)', () => {
  it.each([
    { name: 'Down hears Down -> Init', s: at('Down'), p: from('Down'), want: 'Init' },
    { name: 'Down hears Init -> Up', s: at('Down'), p: from('Init'), want: 'Up' },
    { name: 'Down hears Up -> stays Down', s: at('Down'), p: from('Up'), want: 'Down' },
    { name: 'Init hears Init -> Up', s: at('Init'), p: from('Init'), want: 'Up' },
    { name: 'Init hears Up -> Up', s: at('Init'), p: from('Up'), want: 'Up' },
    { name: 'Up hears Down -> Down (neighbor signaled)', s: at('Up'), p: from('Down'), want: 'Down' },
    { name: 'Up hears AdminDown -> Down', s: at('Up'), p: from('AdminDown'), want: 'Down' },
    { name: 'Up hears Up -> Up', s: at('Up'), p: from('Up'), want: 'Up' },
    { name: 'AdminDown ignores everything', s: at('AdminDown'), p: from('Init'), want: 'AdminDown' },
  ])('$name', ({ s, p, want }) => {
    expect(receive(s, p, 1_000).session.state).toBe(want);
  });

  it('records the peer: its discriminator, timers, multiplier, and when it spoke', () => {
    const r = receive(newBfdSession(42), from('Down'), 1_234).session;
    expect(r).toMatchObject({
      remoteDiscr: 99,
      remoteMinRxUs: 300_000,
      remoteDesiredMinTxUs: 300_000,
      remoteDetectMult: 3,
      lastRxMs: 1_234,
    });
  });

  it('discards a packet addressed to another discriminator', () => {
    const s = at('Up');
    expect(receive(s, from('Down', { yourDiscr: 7 }), 5).session).toBe(s);
  });

  it('going Up starts a Poll Sequence; the peer`s Final ends it; a peer`s Poll is answered with Final', () => {
    const up = receive(at('Init'), from('Up'), 1).session;
    expect(up.polling).toBe(true);
    expect(packetFor(up, cfg).poll).toBe(true);
    expect(receive(up, from('Up', { final: true }), 2).session.polling).toBe(false);
    expect(receive(up, from('Up', { poll: true }), 2).sendFinal).toBe(true);
    const answer = packetFor(up, cfg, true);
    expect([answer.poll, answer.final]).toEqual([false, true]);
  });

  it('a neighbor that signals Down leaves diag 3', () => {
    expect(receive(at('Up'), from('Down'), 1).session.diag).toBe(BfdDiag.NeighborSignaledDown);
  });
});

describe('timers', () => {
  it.each([
    { name: 'not Up: at least a second', s: at('Init', { remoteMinRxUs: 300_000 }), want: 1_000_000 },
    {
      name: 'Up: the slower of ours and the peer`s RequiredMinRx',
      s: at('Up', { remoteMinRxUs: 300_000 }),
      want: 300_000,
    },
    { name: 'Up, the peer fast: ours', s: at('Up', { remoteMinRxUs: 50_000 }), want: 100_000 },
    { name: 'the peer asks for nothing', s: at('Up', { remoteMinRxUs: 0 }), want: 0 },
  ])('tx interval, $name', ({ s, want }) => {
    expect(txIntervalUs(s, cfg)).toBe(want);
  });

  it('detection time: the peer`s multiplier times the slower of our RequiredMinRx and its DesiredMinTx', () => {
    expect(
      detectionTimeUs(at('Up', { remoteDetectMult: 3, remoteDesiredMinTxUs: 100_000, lastRxMs: 0 }), cfg),
    ).toBe(300_000);
    expect(
      detectionTimeUs(at('Up', { remoteDetectMult: 5, remoteDesiredMinTxUs: 50_000, lastRxMs: 0 }), cfg),
    ).toBe(500_000);
    expect(detectionTimeUs(newBfdSession(1), cfg)).toBeUndefined();
  });

  it.each([
    { interval: 100_000, mult: 3, random: 0, want: 100 },
    { interval: 100_000, mult: 3, random: 0.999_999, want: 75 },
    { interval: 100_000, mult: 1, random: 0.999_999, want: 85 },
  ])('jitter: $interval us, mult $mult, random $random -> $want ms', ({ interval, mult, random, want }) => {
    expect(jitteredMs(interval, mult, random)).toBeCloseTo(want, 3);
  });
});

describe('expire (§6.8.4)', () => {
  const up = at('Up', { remoteDetectMult: 3, remoteDesiredMinTxUs: 100_000, lastRxMs: 1_000 });
  it.each([
    { now: 1_300, want: 'Up' },
    { now: 1_301, want: 'Down' },
  ])('last packet at 1000 ms, 300 ms detection, at $now ms -> $want', ({ now, want }) => {
    expect(expire(up, cfg, now).state).toBe(want);
  });

  it('forgets the peer and says why', () => {
    expect(expire(up, cfg, 2_000)).toMatchObject({
      diag: BfdDiag.DetectionTimeExpired,
      remoteDiscr: 0,
      lastRxMs: undefined,
    });
  });
});

describe('maySend', () => {
  it.each([
    { name: 'active, never heard', s: newBfdSession(1), passive: false, want: true },
    { name: 'passive, never heard', s: newBfdSession(1), passive: true, want: false },
    { name: 'passive, heard', s: at('Init', { remoteMinRxUs: 300_000 }), passive: true, want: true },
  ])('$name -> $want', ({ s, passive, want }) => {
    expect(maySend(s, { ...cfg, passive })).toBe(want);
  });
});
