/**
 * One BFD session's state machine (RFC 5880 §6.2, §6.8), pure: what a received packet or the passing
 * of time does to it, what to send and how often. The runner (bfd-worker.ts) only does the I/O.
 * Asynchronous mode only: no demand mode, no echo.
 */
import { BfdDiag, type BfdPacket, type BfdStateName } from './bfd-packet.js';

export interface BfdSessionConfig {
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly detectMult: number;
  /** Send nothing until the peer has spoken (RFC 5880 §6.1's passive role). */
  readonly passive: boolean;
}

export interface BfdSession {
  readonly state: BfdStateName;
  readonly diag: number;
  readonly localDiscr: number;
  readonly remoteDiscr: number;
  readonly remoteState: BfdStateName;
  readonly remoteMinRxUs: number;
  readonly remoteDesiredMinTxUs: number;
  readonly remoteDetectMult: number;
  /** A Poll Sequence is running: packets carry P until one with F comes back. */
  readonly polling: boolean;
  /** When the last valid packet came, in ms on the runner's monotonic clock; undefined: none yet. */
  readonly lastRxMs: number | undefined;
}

/** §6.8.3: while not Up, a session sends no faster than once a second. */
const SLOW_TX_US = 1_000_000;

export function newBfdSession(localDiscr: number): BfdSession {
  return {
    state: 'Down',
    diag: BfdDiag.None,
    localDiscr,
    remoteDiscr: 0,
    remoteState: 'Down',
    remoteMinRxUs: 1,
    remoteDesiredMinTxUs: 0,
    remoteDetectMult: 0,
    polling: false,
    lastRxMs: undefined,
  };
}

/** The DesiredMinTx this end advertises now: the configured one when Up, at least a second otherwise. */
export function desiredMinTxUs(s: BfdSession, c: BfdSessionConfig): number {
  return s.state === 'Up' ? c.desiredMinTxUs : Math.max(c.desiredMinTxUs, SLOW_TX_US);
}

/** §6.8.7: the interval between our packets, before jitter; 0 while the peer asks for none (RemoteMinRx 0). */
export function txIntervalUs(s: BfdSession, c: BfdSessionConfig): number {
  if (s.remoteMinRxUs === 0) return 0;
  return Math.max(desiredMinTxUs(s, c), s.remoteMinRxUs);
}

/** §6.8.4: how long without a packet before the session is declared down; undefined before the first. */
export function detectionTimeUs(s: BfdSession, c: BfdSessionConfig): number | undefined {
  if (s.lastRxMs === undefined || s.remoteDetectMult === 0) return undefined;
  return s.remoteDetectMult * Math.max(c.requiredMinRxUs, s.remoteDesiredMinTxUs);
}

/** §6.8.7: 75-100 % of the interval (75-90 % with a multiplier of 1), from a random number in [0, 1). */
export function jitteredMs(intervalUs: number, detectMult: number, random: number): number {
  const span = detectMult === 1 ? 0.15 : 0.25;
  return (intervalUs * (1 - span * random)) / 1_000;
}

export interface ReceiveResult {
  readonly session: BfdSession;
  /** Answer at once with F set (the peer polled). */
  readonly sendFinal: boolean;
}

/** §6.8.6: a packet that passed decodeBfd, from this session's peer. */
export function receive(s: BfdSession, p: BfdPacket, nowMs: number): ReceiveResult {
  // A packet for another session of ours (or an old incarnation): discard.
  if (p.yourDiscr !== 0 && p.yourDiscr !== s.localDiscr) return { session: s, sendFinal: false };
  let next: BfdSession = {
    ...s,
    remoteDiscr: p.myDiscr,
    remoteState: p.state,
    remoteMinRxUs: p.requiredMinRxUs,
    remoteDesiredMinTxUs: p.desiredMinTxUs,
    remoteDetectMult: p.detectMult,
    lastRxMs: nowMs,
    polling: s.polling && !p.final,
  };
  if (s.state === 'AdminDown') return { session: s, sendFinal: false };
  if (p.state === 'AdminDown') {
    if (s.state !== 'Down') next = { ...next, state: 'Down', diag: BfdDiag.NeighborSignaledDown };
  } else if (s.state === 'Down') {
    if (p.state === 'Down') next = { ...next, state: 'Init' };
    else if (p.state === 'Init') next = up(next);
  } else if (s.state === 'Init') {
    if (p.state === 'Init' || p.state === 'Up') next = up(next);
  } else if (p.state === 'Down') {
    next = { ...next, state: 'Down', diag: BfdDiag.NeighborSignaledDown };
  }
  // Leaving Up, the slow rate applies again: a Poll Sequence tells the peer (§6.8.3).
  if (s.state === 'Up' && next.state !== 'Up') next = { ...next, polling: true };
  return { session: next, sendFinal: p.poll };
}

/** Up: our advertised DesiredMinTx drops from a second to the configured value, so poll (§6.8.3). */
function up(s: BfdSession): BfdSession {
  return { ...s, state: 'Up', diag: BfdDiag.None, polling: true };
}

/** §6.8.4: the detection time passed without a packet: Down, and the peer forgotten. */
export function expire(s: BfdSession, c: BfdSessionConfig, nowMs: number): BfdSession {
  const t = detectionTimeUs(s, c);
  if (t === undefined || s.lastRxMs === undefined || nowMs - s.lastRxMs <= t / 1_000) return s;
  return {
    ...s,
    state: s.state === 'AdminDown' ? 'AdminDown' : 'Down',
    diag: s.state === 'Init' || s.state === 'Up' ? BfdDiag.DetectionTimeExpired : s.diag,
    remoteDiscr: 0,
    remoteState: 'Down',
    remoteMinRxUs: 1,
    remoteDetectMult: 0,
    lastRxMs: undefined,
  };
}

/** Whether this end may send now: not a passive end that has not heard its peer yet (§6.8.7). */
export function maySend(s: BfdSession, c: BfdSessionConfig): boolean {
  return !(c.passive && s.remoteDiscr === 0) && txIntervalUs(s, c) > 0;
}

/** The packet to send now; `final` answers a poll. */
export function packetFor(s: BfdSession, c: BfdSessionConfig, final = false): BfdPacket {
  return {
    diag: s.diag,
    state: s.state,
    // §6.8.7: never P and F in one packet.
    poll: s.polling && !final,
    final,
    detectMult: c.detectMult,
    myDiscr: s.localDiscr,
    yourDiscr: s.remoteDiscr,
    desiredMinTxUs: desiredMinTxUs(s, c),
    requiredMinRxUs: c.requiredMinRxUs,
    requiredMinEchoRxUs: 0,
  };
}
