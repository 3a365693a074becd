/**
 * IPv6 Neighbor Solicitation / Advertisement (RFC 4861 §4.3, §4.4) over Ethernet. Pure: no I/O.
 *
 * IPv6 header (40 bytes): version(4)=6 class(8) flow(20) | payloadLength(16) nextHeader(8)=58 hopLimit(8)=255
 *   | src(16) | dst(16)
 * NS (ICMPv6 type 135): type code checksum(16) | reserved(32) | target(16) | options
 * NA (ICMPv6 type 136): type code checksum(16) | R S O reserved(29) | target(16) | options
 * Options: type(8) length(8, in units of 8 bytes) data; 1 = source link-layer address, 2 = target.
 */
import type { Address } from '../net/address.js';
import { assertMac, ETHERTYPE_IPV6, encodeEthernet, FrameBuildError, type Mac } from './ethernet.js';

export const IPV6_HEADER_LENGTH = 40;
export const NEXT_HEADER_ICMPV6 = 58;
export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
/** RFC 4861 §7.1: NDP messages are sent with hop limit 255, so a receiver knows they came from the link. */
export const NDP_HOP_LIMIT = 255;
const NDP_FIXED_LENGTH = 24;
const OPTION_SOURCE_LINK_LAYER = 1;
const OPTION_TARGET_LINK_LAYER = 2;

/**
 * IPv6 extension headers (IANA "IPv6 Extension Header Types"). NDP is never legitimately sent behind one
 * except hop-by-hop, which nothing needs for NS/NA; RFC 6980 forbids fragmented NDP outright. We drop them
 * rather than walk a chain an attacker controls.
 */
const EXTENSION_HEADERS: ReadonlySet<number> = new Set([0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254]);

export const ALL_NODES: Address = { family: 'IPv6', value: (0xff02n << 112n) | 1n };
export const UNSPECIFIED_IPV6: Address = { family: 'IPv6', value: 0n };

export interface NeighborSolicitation {
  readonly type: 'solicitation';
  readonly src: Address;
  readonly dst: Address;
  readonly target: Address;
  /** Source link-layer address option, when present. Never present when `src` is unspecified (DAD). */
  readonly sourceMac?: Mac;
}

export interface NeighborAdvertisement {
  readonly type: 'advertisement';
  readonly src: Address;
  readonly dst: Address;
  readonly target: Address;
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
  /** Target link-layer address option, when present. */
  readonly targetMac?: Mac;
}

export type NdpMessage = NeighborSolicitation | NeighborAdvertisement;

export type NdpDropReason =
  | 'truncated'
  | 'bad-ip-version'
  | 'ipv6-extension-headers'
  /** IPv6 that is not ICMPv6 NS or NA. */
  | 'not-ndp'
  | 'bad-hop-limit'
  | 'bad-icmp-code'
  | 'bad-checksum'
  /** An option with length 0, running past the packet, or a link-layer option that is not 6 bytes. */
  | 'bad-option'
  /** Target is a multicast address (RFC 4861 §7.1.1, §7.1.2). */
  | 'bad-target'
  /** Source is a multicast address. */
  | 'bad-source-address'
  /** Source is unspecified (DAD) but the destination is not a solicited-node group, or it carries a source link-layer option. */
  | 'bad-dad'
  /** An NA sent to a multicast address with the Solicited flag set (RFC 4861 §7.1.2). */
  | 'bad-solicited-flag';

export type NdpDecode = { ok: true; message: NdpMessage } | { ok: false; reason: NdpDropReason };

/**
 * Decodes an IPv6 packet (the payload of an Ethernet frame of type 0x86dd) as NS or NA, applying the
 * validity checks of RFC 4861 §7.1.1 and §7.1.2. Bytes past the IPv6 payload length are link padding.
 */
export function decodeNdp(packet: Uint8Array): NdpDecode {
  if (packet.length < IPV6_HEADER_LENGTH) return { ok: false, reason: 'truncated' };
  if ((packet[0] ?? 0) >> 4 !== 6) return { ok: false, reason: 'bad-ip-version' };
  const payloadLength = ((packet[4] ?? 0) << 8) | (packet[5] ?? 0);
  const nextHeader = packet[6] ?? 0;
  const hopLimit = packet[7] ?? 0;
  if (packet.length < IPV6_HEADER_LENGTH + payloadLength) return { ok: false, reason: 'truncated' };
  if (EXTENSION_HEADERS.has(nextHeader)) return { ok: false, reason: 'ipv6-extension-headers' };
  if (nextHeader !== NEXT_HEADER_ICMPV6) return { ok: false, reason: 'not-ndp' };
  const icmp = packet.subarray(IPV6_HEADER_LENGTH, IPV6_HEADER_LENGTH + payloadLength);
  if (icmp.length < 1) return { ok: false, reason: 'truncated' };
  const type = icmp[0];
  if (type !== ICMPV6_NEIGHBOR_SOLICITATION && type !== ICMPV6_NEIGHBOR_ADVERTISEMENT) {
    return { ok: false, reason: 'not-ndp' };
  }
  if (hopLimit !== NDP_HOP_LIMIT) return { ok: false, reason: 'bad-hop-limit' };
  if (icmp.length < NDP_FIXED_LENGTH) return { ok: false, reason: 'truncated' };
  if (icmp[1] !== 0) return { ok: false, reason: 'bad-icmp-code' };
  if (checksumSum(packet.subarray(8, 24), packet.subarray(24, 40), icmp) !== 0xffff) {
    return { ok: false, reason: 'bad-checksum' };
  }
  const src = ipv6At(packet, 8);
  const dst = ipv6At(packet, 24);
  const target = ipv6At(icmp, 8);
  if (isMulticastV6(target)) return { ok: false, reason: 'bad-target' };
  if (isMulticastV6(src)) return { ok: false, reason: 'bad-source-address' };
  const options = parseOptions(icmp.subarray(NDP_FIXED_LENGTH));
  if (!options) return { ok: false, reason: 'bad-option' };

  if (type === ICMPV6_NEIGHBOR_SOLICITATION) {
    if (src.value === 0n && (!isSolicitedNodeMulticast(dst) || options.source)) {
      return { ok: false, reason: 'bad-dad' };
    }
    return {
      ok: true,
      message: {
        type: 'solicitation',
        src,
        dst,
        target,
        ...(options.source ? { sourceMac: options.source } : {}),
      },
    };
  }
  const flags = icmp[4] ?? 0;
  const solicited = (flags & 0x40) !== 0;
  if (solicited && isMulticastV6(dst)) return { ok: false, reason: 'bad-solicited-flag' };
  return {
    ok: true,
    message: {
      type: 'advertisement',
      src,
      dst,
      target,
      router: (flags & 0x80) !== 0,
      solicited,
      override: (flags & 0x20) !== 0,
      ...(options.target ? { targetMac: options.target } : {}),
    },
  };
}

export interface NdpFrameAddressing {
  readonly srcMac: Mac;
  readonly dstMac: Mac;
  readonly src: Address;
  readonly dst: Address;
}

/** A whole Ethernet frame carrying an NA with a target link-layer address option. */
export function buildNeighborAdvertisement(
  a: NdpFrameAddressing & {
    target: Address;
    targetMac: Mac;
    router: boolean;
    solicited: boolean;
    override: boolean;
  },
): Uint8Array {
  assertMac(a.targetMac, 'NA target link-layer');
  const icmp = new Uint8Array(NDP_FIXED_LENGTH + 8);
  icmp[0] = ICMPV6_NEIGHBOR_ADVERTISEMENT;
  icmp[4] = (a.router ? 0x80 : 0) | (a.solicited ? 0x40 : 0) | (a.override ? 0x20 : 0);
  writeIpv6(icmp, 8, a.target);
  icmp[24] = OPTION_TARGET_LINK_LAYER;
  icmp[25] = 1;
  icmp.set(a.targetMac, 26);
  return buildIcmpv6Frame(a, icmp);
}

/**
 * A whole Ethernet frame carrying an NS. With `src` unspecified it is a DAD probe and carries no source
 * link-layer option (RFC 4861 §4.3); otherwise it carries `srcMac` as that option unless
 * `withSourceLinkLayer` is false (a unicast NUD probe may leave it out). The speaker does not solicit; this
 * exists so tests and the lab can build the requests a client would send.
 */
export function buildNeighborSolicitation(
  a: NdpFrameAddressing & { target: Address; withSourceLinkLayer?: boolean },
): Uint8Array {
  const withOption = a.src.value !== 0n && a.withSourceLinkLayer !== false;
  const icmp = new Uint8Array(NDP_FIXED_LENGTH + (withOption ? 8 : 0));
  icmp[0] = ICMPV6_NEIGHBOR_SOLICITATION;
  writeIpv6(icmp, 8, a.target);
  if (withOption) {
    icmp[24] = OPTION_SOURCE_LINK_LAYER;
    icmp[25] = 1;
    icmp.set(a.srcMac, 26);
  }
  return buildIcmpv6Frame(a, icmp);
}

/**
 * The reply to `ns` for a target we own, from `ourMac`, sourced from `sourceIp` (the responder passes the
 * target itself, as a host that has the address configured does; RFC 4861 §7.2.2 asks for an address of the
 * interface, and some receivers, ndisc6 among them, accept the answer only from the target).
 *
 * Flags (RFC 4861 §7.2.4):
 * - S=1: it answers a solicitation, so it confirms reachability.
 * - O=1: we are the owner of the address, not a proxy or anycast responder (those set O=0 so a "real" owner
 *   wins). After a takeover a client may still cache the previous node's MAC; by §7.2.5 a solicited NA with
 *   O=0 and a different MAC only marks that entry STALE and keeps the old MAC, while O=1 replaces it. (MetalLB
 *   sends O=0 here.)
 * - R=0: the speaker answers for a service address, not as a router.
 * Sent unicast to the soliciting address and to its link-layer address (the NS's option, else the frame's
 * Ethernet source), so it does not need a neighbour lookup of its own.
 *
 * A DAD probe (`ns.src` unspecified) is answered by `buildDadDefense` instead: §7.2.4 says S=0 and all-nodes.
 */
export function buildSolicitedAdvertisement(
  ns: NeighborSolicitation,
  requesterMac: Mac,
  ourMac: Mac,
  sourceIp: Address,
): Uint8Array {
  return buildNeighborAdvertisement({
    srcMac: ourMac,
    dstMac: ns.sourceMac ?? requesterMac,
    src: sourceIp,
    dst: ns.src,
    target: ns.target,
    targetMac: ourMac,
    router: false,
    solicited: true,
    override: true,
  });
}

/**
 * The answer to a DAD probe for an address we own (RFC 4862 §5.4.3 as the owner of the address, RFC 4861
 * §7.2.4 for the form): NA to all-nodes, S=0 (nothing to confirm reachability to), O=1. It makes the prober's
 * DAD fail, so it does not configure an address the cluster is serving. This is defence, not a fight: DAD
 * exists so the prober backs off, and the probe is also reported as a conflict candidate.
 */
export function buildDadDefense(target: Address, ourMac: Mac, sourceIp: Address): Uint8Array {
  return buildUnsolicitedAdvertisement(target, ourMac, sourceIp);
}

/**
 * An unsolicited NA for a takeover (RFC 4861 §7.2.6): all-nodes, S=0, O=1 so every neighbour that caches the
 * target replaces the old MAC with ours, R=0.
 */
export function buildUnsolicitedAdvertisement(target: Address, ourMac: Mac, sourceIp: Address): Uint8Array {
  return buildNeighborAdvertisement({
    srcMac: ourMac,
    dstMac: ipv6MulticastMac(ALL_NODES),
    src: sourceIp,
    dst: ALL_NODES,
    target,
    targetMac: ourMac,
    router: false,
    solicited: false,
    override: true,
  });
}

/** ff02::1:ffXX:XXXX, the group an NS for `a` is sent to (RFC 4291 §2.7.1). */
export function solicitedNodeMulticast(a: Address): Address {
  requireV6(a);
  return { family: 'IPv6', value: (0xff02n << 112n) | (0x1ffn << 24n) | (a.value & 0xffffffn) };
}

export function isSolicitedNodeMulticast(a: Address): boolean {
  return a.family === 'IPv6' && a.value >> 24n === ((0xff02n << 112n) | (0x1ffn << 24n)) >> 24n;
}

/** 33:33 followed by the low 32 bits of an IPv6 multicast address (RFC 2464 §7). */
export function ipv6MulticastMac(a: Address): Mac {
  requireV6(a);
  const low = Number(a.value & 0xffffffffn);
  return Uint8Array.of(0x33, 0x33, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff);
}

export function isMulticastV6(a: Address): boolean {
  return a.family === 'IPv6' && a.value >> 120n === 0xffn;
}

/**
 * The ICMPv6 checksum (RFC 4443 §2.3) of `icmp` (with its checksum field as given) over the RFC 8200 §8.1
 * pseudo-header. To fill the field, zero it first; to verify, `icmpv6Checksum(...) === 0`.
 */
export function icmpv6Checksum(src: Address, dst: Address, icmp: Uint8Array): number {
  const addrs = new Uint8Array(32);
  writeIpv6(addrs, 0, src);
  writeIpv6(addrs, 16, dst);
  return ~checksumSum(addrs.subarray(0, 16), addrs.subarray(16), icmp) & 0xffff;
}

function buildIcmpv6Frame(a: NdpFrameAddressing, icmp: Uint8Array): Uint8Array {
  assertMac(a.srcMac, 'source');
  const ip = new Uint8Array(IPV6_HEADER_LENGTH + icmp.length);
  ip[0] = 0x60;
  ip[4] = icmp.length >> 8;
  ip[5] = icmp.length & 0xff;
  ip[6] = NEXT_HEADER_ICMPV6;
  ip[7] = NDP_HOP_LIMIT;
  writeIpv6(ip, 8, a.src);
  writeIpv6(ip, 24, a.dst);
  ip.set(icmp, IPV6_HEADER_LENGTH);
  const sum = ~checksumSum(ip.subarray(8, 24), ip.subarray(24, 40), ip.subarray(IPV6_HEADER_LENGTH)) & 0xffff;
  ip[IPV6_HEADER_LENGTH + 2] = sum >> 8;
  ip[IPV6_HEADER_LENGTH + 3] = sum & 0xff;
  return encodeEthernet({ dst: a.dstMac, src: a.srcMac, ethertype: ETHERTYPE_IPV6, payload: ip });
}

/** Folded 16-bit one's complement sum of pseudo-header and message; 0xffff means the checksum is right. */
function checksumSum(src: Uint8Array, dst: Uint8Array, icmp: Uint8Array): number {
  let sum =
    words(src) +
    words(dst) +
    words(icmp) +
    (icmp.length >>> 16) +
    (icmp.length & 0xffff) +
    NEXT_HEADER_ICMPV6;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

function words(b: Uint8Array): number {
  let sum = 0;
  const even = b.length & ~1;
  for (let i = 0; i < even; i += 2) sum += ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
  if (even !== b.length) sum += (b[even] ?? 0) << 8;
  return sum;
}

interface LinkLayerOptions {
  source?: Mac;
  target?: Mac;
}

/** Undefined when any option is malformed. Unknown options are skipped (RFC 4861 §4.6); the first of a kind wins. */
function parseOptions(b: Uint8Array): LinkLayerOptions | undefined {
  const out: LinkLayerOptions = {};
  let i = 0;
  while (i < b.length) {
    if (i + 2 > b.length) return undefined;
    const type = b[i] ?? 0;
    const length = (b[i + 1] ?? 0) * 8;
    if (length === 0 || i + length > b.length) return undefined;
    if (type === OPTION_SOURCE_LINK_LAYER || type === OPTION_TARGET_LINK_LAYER) {
      // Ethernet link-layer options are exactly 8 bytes (RFC 2464 §8); Linux drops other lengths too.
      if (length !== 8) return undefined;
      const mac = b.subarray(i + 2, i + 8);
      if (type === OPTION_SOURCE_LINK_LAYER) out.source ??= mac;
      else out.target ??= mac;
    }
    i += length;
  }
  return out;
}

function requireV6(a: Address): void {
  if (a.family !== 'IPv6') throw new FrameBuildError('WRONG_FAMILY', 'NDP carries IPv6 addresses only');
}

function ipv6At(b: Uint8Array, i: number): Address {
  const view = new DataView(b.buffer, b.byteOffset + i, 16);
  return { family: 'IPv6', value: (view.getBigUint64(0) << 64n) | view.getBigUint64(8) };
}

function writeIpv6(out: Uint8Array, i: number, a: Address): void {
  requireV6(a);
  const view = new DataView(out.buffer, out.byteOffset + i, 16);
  view.setBigUint64(0, (a.value >> 64n) & 0xffffffffffffffffn);
  view.setBigUint64(8, a.value & 0xffffffffffffffffn);
}
