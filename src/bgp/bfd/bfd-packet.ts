/**
 * BFD control packets (RFC 5880 §4.1), without authentication: the 24-byte mandatory section. Pure.
 * A packet with the A bit is refused, as FRR refuses one without a configured key: a session that
 * silently skipped authentication would be weaker than the operator asked for.
 */

export const BFD_STATES = ['AdminDown', 'Down', 'Init', 'Up'] as const;
export type BfdStateName = (typeof BFD_STATES)[number];

/** Diagnostic codes (§4.1) this implementation sends. */
export const BfdDiag = {
  None: 0,
  DetectionTimeExpired: 1,
  NeighborSignaledDown: 3,
  AdminDown: 7,
} as const;

export interface BfdPacket {
  readonly diag: number;
  readonly state: BfdStateName;
  readonly poll: boolean;
  readonly final: boolean;
  readonly detectMult: number;
  readonly myDiscr: number;
  readonly yourDiscr: number;
  /** Microseconds, as on the wire. */
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly requiredMinEchoRxUs: number;
}

const LENGTH = 24;
const VERSION = 1;

export function encodeBfd(p: BfdPacket): Uint8Array {
  const b = new Uint8Array(LENGTH);
  const v = new DataView(b.buffer);
  b[0] = (VERSION << 5) | (p.diag & 0x1f);
  b[1] = (BFD_STATES.indexOf(p.state) << 6) | (p.poll ? 0x20 : 0) | (p.final ? 0x10 : 0);
  b[2] = p.detectMult;
  b[3] = LENGTH;
  v.setUint32(4, p.myDiscr);
  v.setUint32(8, p.yourDiscr);
  v.setUint32(12, p.desiredMinTxUs);
  v.setUint32(16, p.requiredMinRxUs);
  v.setUint32(20, p.requiredMinEchoRxUs);
  return b;
}

export type BfdDecode =
  | { readonly ok: true; readonly packet: BfdPacket }
  | { readonly ok: false; readonly reason: string };

/** The checks of §6.8.6 that need nothing but the packet; the session checks the discriminators. */
export function decodeBfd(b: Uint8Array): BfdDecode {
  if (b.length < LENGTH) return { ok: false, reason: `${b.length} bytes, under ${LENGTH}` };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = (b[0] ?? 0) >> 5;
  if (version !== VERSION) return { ok: false, reason: `version ${version}` };
  const flags = b[1] ?? 0;
  const length = b[3] ?? 0;
  if (length < LENGTH || length > b.length) return { ok: false, reason: `length field ${length}` };
  if (flags & 0x04) return { ok: false, reason: 'authentication (A bit) is not configured' };
  if (flags & 0x01) return { ok: false, reason: 'multipoint (M bit) set' };
  const detectMult = b[2] ?? 0;
  if (detectMult === 0) return { ok: false, reason: 'detect multiplier 0' };
  const myDiscr = v.getUint32(4);
  if (myDiscr === 0) return { ok: false, reason: 'My Discriminator 0' };
  const state = BFD_STATES[flags >> 6] ?? 'AdminDown';
  const yourDiscr = v.getUint32(8);
  if (yourDiscr === 0 && state !== 'Down' && state !== 'AdminDown')
    return { ok: false, reason: `Your Discriminator 0 in state ${state}` };
  return {
    ok: true,
    packet: {
      diag: (b[0] ?? 0) & 0x1f,
      state,
      poll: (flags & 0x20) !== 0,
      final: (flags & 0x10) !== 0,
      detectMult,
      myDiscr,
      yourDiscr,
      desiredMinTxUs: v.getUint32(12),
      requiredMinRxUs: v.getUint32(16),
      requiredMinEchoRxUs: v.getUint32(20),
    },
  };
}
