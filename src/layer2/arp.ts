/**
 * ARP for Ethernet and IPv4 (RFC 826), with the probe/announcement forms of RFC 5227. Pure: no I/O.
 *
 * Packet layout (28 bytes, network byte order):
 *   htype(2)=1  ptype(2)=0x0800  hlen(1)=6  plen(1)=4  op(2)=1|2
 *   sha(6)  spa(4)  tha(6)  tpa(4)
 */
import type { Address } from '../net/address.js';
import {
  assertMac,
  BROADCAST_MAC,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  encodeEthernet,
  FrameBuildError,
  type Mac,
  ZERO_MAC,
} from './ethernet.js';

export const ARP_PACKET_LENGTH = 28;
const HTYPE_ETHERNET = 1;

export type ArpOperation = 'request' | 'reply';

export interface ArpPacket {
  readonly op: ArpOperation;
  readonly senderMac: Mac;
  readonly senderIp: Address;
  readonly targetMac: Mac;
  readonly targetIp: Address;
}

export type ArpDropReason =
  | 'truncated'
  | 'bad-hardware-type'
  | 'bad-protocol-type'
  | 'bad-lengths'
  | 'bad-opcode';

export type ArpDecode = { ok: true; packet: ArpPacket } | { ok: false; reason: ArpDropReason };

/**
 * Decodes the payload of an Ethernet frame of type 0x0806. Bytes past the 28 of the packet are Ethernet
 * padding and are ignored. MACs are views into `payload`.
 */
export function decodeArp(payload: Uint8Array): ArpDecode {
  if (payload.length < ARP_PACKET_LENGTH) return { ok: false, reason: 'truncated' };
  const u16 = (i: number) => ((payload[i] ?? 0) << 8) | (payload[i + 1] ?? 0);
  if (u16(0) !== HTYPE_ETHERNET) return { ok: false, reason: 'bad-hardware-type' };
  if (u16(2) !== ETHERTYPE_IPV4) return { ok: false, reason: 'bad-protocol-type' };
  if (payload[4] !== 6 || payload[5] !== 4) return { ok: false, reason: 'bad-lengths' };
  const opcode = u16(6);
  if (opcode !== 1 && opcode !== 2) return { ok: false, reason: 'bad-opcode' };
  return {
    ok: true,
    packet: {
      op: opcode === 1 ? 'request' : 'reply',
      senderMac: payload.subarray(8, 14),
      senderIp: ipv4At(payload, 14),
      targetMac: payload.subarray(18, 24),
      targetIp: ipv4At(payload, 24),
    },
  };
}

/** Encodes the 28-byte ARP packet (no Ethernet header). */
export function encodeArp(p: ArpPacket): Uint8Array {
  assertMac(p.senderMac, 'ARP sender');
  assertMac(p.targetMac, 'ARP target');
  const out = new Uint8Array(ARP_PACKET_LENGTH);
  out[1] = HTYPE_ETHERNET;
  out[2] = ETHERTYPE_IPV4 >> 8;
  out[3] = ETHERTYPE_IPV4 & 0xff;
  out[4] = 6;
  out[5] = 4;
  out[7] = p.op === 'request' ? 1 : 2;
  out.set(p.senderMac, 8);
  writeIpv4(out, 14, p.senderIp);
  out.set(p.targetMac, 18);
  writeIpv4(out, 24, p.targetIp);
  return out;
}

/** An ARP packet in an Ethernet frame, padded to the 60-byte minimum. */
export function buildArpFrame(p: ArpPacket, ethernetDst: Mac): Uint8Array {
  return encodeEthernet({
    dst: ethernetDst,
    src: p.senderMac,
    ethertype: ETHERTYPE_ARP,
    payload: encodeArp(p),
  });
}

/**
 * The reply to `request` saying `request.targetIp` is at `ourMac` (RFC 826): unicast back to the requester's
 * hardware address, target fields = the requester's sender fields. For an RFC 5227 probe (sender IP 0.0.0.0)
 * this yields a reply with target IP 0.0.0.0 sent to the prober, which is what Linux sends and what makes the
 * prober see the address is taken.
 */
export function buildArpReply(request: ArpPacket, ourMac: Mac): Uint8Array {
  return buildArpFrame(
    {
      op: 'reply',
      senderMac: ourMac,
      senderIp: request.targetIp,
      targetMac: request.senderMac,
      targetIp: request.senderIp,
    },
    request.senderMac,
  );
}

/**
 * A gratuitous ARP for `ip` at `mac`, broadcast. Sender IP = target IP = `ip` in both forms.
 *
 * - 'request' is the RFC 5227 §3 "ARP Announcement": target MAC all zeros (ignored by receivers). It is the
 *   form RFC 5227 standardises and every stack handles; Linux treats any request with sender IP = target IP
 *   as gratuitous, which lets it bypass the neighbour `locktime` that otherwise ignores a second answer
 *   within 1 s of the first.
 * - 'reply' is the other form RFC 5944 §4.6 allows, with target MAC = sender MAC as that section specifies.
 *   Some devices (older switches' ARP inspection, some embedded stacks) only update on replies. Linux counts
 *   a reply as gratuitous only when its target MAC equals its sender MAC, which is why we do not put the
 *   broadcast address there (MetalLB does, and so loses the locktime bypass on Linux clients).
 *
 * Announcers send both, request first (see `gratuitousArpFrames`): one extra 60-byte frame per announcement
 * buys compatibility with both camps.
 */
export function buildGratuitousArp(mac: Mac, ip: Address, form: ArpOperation): Uint8Array {
  return buildArpFrame(
    {
      op: form,
      senderMac: mac,
      senderIp: ip,
      targetMac: form === 'request' ? ZERO_MAC : mac,
      targetIp: ip,
    },
    BROADCAST_MAC,
  );
}

/** The frames of one gratuitous announcement: request form, then reply form. */
export function gratuitousArpFrames(mac: Mac, ip: Address): Uint8Array[] {
  return [buildGratuitousArp(mac, ip, 'request'), buildGratuitousArp(mac, ip, 'reply')];
}

/** RFC 5227 §2.1.1: a probe has sender IP 0.0.0.0; the prober wants to use the target IP. */
export function isArpProbe(p: ArpPacket): boolean {
  return p.op === 'request' && p.senderIp.value === 0n;
}

/** Sender IP = target IP: an announcement (gratuitous ARP) in either form. */
export function isGratuitousArp(p: ArpPacket): boolean {
  return p.senderIp.value === p.targetIp.value;
}

function ipv4At(b: Uint8Array, i: number): Address {
  const v = (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0;
  return { family: 'IPv4', value: BigInt(v) };
}

function writeIpv4(out: Uint8Array, i: number, a: Address): void {
  if (a.family !== 'IPv4' || a.value < 0n || a.value > 0xffffffffn) {
    throw new FrameBuildError('WRONG_FAMILY', 'ARP carries IPv4 addresses only');
  }
  const v = Number(a.value);
  out[i] = v >>> 24;
  out[i + 1] = (v >>> 16) & 0xff;
  out[i + 2] = (v >>> 8) & 0xff;
  out[i + 3] = v & 0xff;
}
