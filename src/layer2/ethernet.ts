/**
 * Ethernet II framing (IEEE 802.3 with an EtherType) and MAC address helpers. Pure: no I/O.
 *
 * Decoded fields are views (`subarray`) into the caller's buffer, never copies: the responder reads each
 * frame once and a copy per field would dominate its cost. Callers that keep a field past the life of the
 * buffer copy it themselves.
 */

/** A MAC-48 address: 6 bytes. */
export type Mac = Uint8Array;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;

/**
 * Tag protocol identifiers. 0x8100 is 802.1Q, 0x88a8 is 802.1ad (QinQ outer tag), 0x9100 is the pre-standard
 * QinQ tag some switches still emit. A speaker answers only untagged frames on the interface it listens on:
 * a VLAN is a separate interface (eth0.100) and gets its own responder, so a tagged frame seen on the parent
 * was meant for someone else.
 */
export const VLAN_TPIDS: ReadonlySet<number> = new Set([0x8100, 0x88a8, 0x9100]);

export const ETHERNET_HEADER_LENGTH = 14;
/** The smallest frame on the wire without its 4-byte FCS (64 - 4). Shorter frames are runts and get dropped. */
export const ETHERNET_MIN_FRAME_LENGTH = 60;

export const BROADCAST_MAC: Mac = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
export const ZERO_MAC: Mac = new Uint8Array(6);

export interface EthernetFrame {
  readonly dst: Mac;
  readonly src: Mac;
  readonly ethertype: number;
  /** Everything after the header, including any padding the sender added to reach 60 bytes. */
  readonly payload: Uint8Array;
}

export type EthernetDropReason = 'truncated' | 'vlan-tagged';

export type EthernetDecode = { ok: true; frame: EthernetFrame } | { ok: false; reason: EthernetDropReason };

/** A frame we were asked to build cannot exist (wrong MAC length, wrong address family): a programming error. */
export class FrameBuildError extends Error {
  readonly code: 'BAD_MAC' | 'WRONG_FAMILY' | 'BAD_PAYLOAD';
  constructor(code: FrameBuildError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FrameBuildError';
    this.code = code;
  }
}

/** Splits an Ethernet II frame (no FCS, as a packet socket delivers it). */
export function decodeEthernet(bytes: Uint8Array): EthernetDecode {
  if (bytes.length < ETHERNET_HEADER_LENGTH) return { ok: false, reason: 'truncated' };
  const ethertype = ((bytes[12] ?? 0) << 8) | (bytes[13] ?? 0);
  if (VLAN_TPIDS.has(ethertype)) return { ok: false, reason: 'vlan-tagged' };
  return {
    ok: true,
    frame: {
      dst: bytes.subarray(0, 6),
      src: bytes.subarray(6, 12),
      ethertype,
      payload: bytes.subarray(ETHERNET_HEADER_LENGTH),
    },
  };
}

/**
 * Builds an untagged Ethernet II frame. Pads with zeros to 60 bytes unless `pad` is false: many NICs pad short
 * frames themselves, but not all drivers do for packet sockets, and a 42-byte ARP reply would be a runt.
 */
export function encodeEthernet(frame: EthernetFrame, options: { pad?: boolean } = {}): Uint8Array {
  assertMac(frame.dst, 'destination');
  assertMac(frame.src, 'source');
  if (!Number.isInteger(frame.ethertype) || frame.ethertype < 0x0600 || frame.ethertype > 0xffff) {
    throw new FrameBuildError('BAD_PAYLOAD', `ethertype ${frame.ethertype} is not an Ethernet II type`);
  }
  const length = ETHERNET_HEADER_LENGTH + frame.payload.length;
  const out = new Uint8Array(options.pad === false ? length : Math.max(length, ETHERNET_MIN_FRAME_LENGTH));
  out.set(frame.dst, 0);
  out.set(frame.src, 6);
  out[12] = frame.ethertype >> 8;
  out[13] = frame.ethertype & 0xff;
  out.set(frame.payload, ETHERNET_HEADER_LENGTH);
  return out;
}

/** Parses "aa:bb:cc:dd:ee:ff" (or with "-"), any case. Returns undefined for anything else. */
export function parseMac(text: string): Mac | undefined {
  const m =
    /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  return Uint8Array.from([m[1], m[3], m[4], m[5], m[6], m[7]], (h) => Number.parseInt(h ?? '', 16));
}

/** Lower-case, colon separated, as `ip link` prints it. */
export function formatMac(mac: Mac): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

export function sameMac(a: Mac, b: Mac): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isBroadcastMac(mac: Mac): boolean {
  return sameMac(mac, BROADCAST_MAC);
}

/** The I/G bit: set for group (multicast and broadcast) addresses, which can never be a frame's source. */
export function isMulticastMac(mac: Mac): boolean {
  return mac.length === 6 && ((mac[0] ?? 0) & 0x01) === 1;
}

export function isZeroMac(mac: Mac): boolean {
  return sameMac(mac, ZERO_MAC);
}

/** A MAC a host can have: 6 bytes, not a group address, not all zeros. */
export function isUnicastMac(mac: Mac): boolean {
  return mac.length === 6 && !isMulticastMac(mac) && !isZeroMac(mac);
}

export function assertMac(mac: Mac, what: string): void {
  if (mac.length !== 6) throw new FrameBuildError('BAD_MAC', `${what} MAC has ${mac.length} bytes, want 6`);
}
