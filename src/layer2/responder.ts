/**
 * The responder decision: given one frame read on an interface, answer it or say why not. Pure: the frame
 * socket adapter reads, calls `decide`, writes `frame` when told to reply, and counts the reason otherwise.
 *
 * Rules, in order of importance:
 * - Never answer for an address we do not own, or on an interface its L2Advertisement does not select. The
 *   owned set comes from the caller and holds service IPs only, so the node's own addresses are never
 *   answered here (the kernel does that).
 * - Answer requests only: ARP requests (not gratuitous ones) and Neighbor Solicitations.
 * - Report, never fight: another MAC claiming an owned IP is returned as `conflict` beside the decision.
 *
 * The Ethernet destination is not checked. On a normal (non-promiscuous) socket only broadcast, our MAC and
 * the multicast groups we joined arrive anyway; in promiscuous mode a unicast ARP refresh addressed to the
 * previous owner's MAC (flooded by the switch after that node died) is still a question about an IP we now
 * own, and answering it shortens failover.
 */
import { type Address, formatAddress } from '../net/address.js';
import { type ArpPacket, buildArpReply, decodeArp, isArpProbe, isGratuitousArp } from './arp.js';
import {
  decodeEthernet,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV6,
  isMulticastMac,
  isUnicastMac,
  type Mac,
  sameMac,
} from './ethernet.js';
import { buildDadDefense, buildSolicitedAdvertisement, decodeNdp, type NdpMessage } from './ndp.js';

/** The interface a frame arrived on. */
export interface ResponderInterface {
  readonly name: string;
  readonly mac: Mac;
}

/** The interfaces an owned IP may be answered on; 'any' when its L2Advertisement names none. */
export type AllowedInterfaces = ReadonlySet<string> | 'any';

/** The IPs this node owns, keyed by `formatAddress(ip)`. */
export type OwnedAddresses = ReadonlyMap<string, AllowedInterfaces>;

/** Anything with `has(formatAddress(ip))`: an `OwnedAddresses` map or a set of formatted addresses. */
export interface OwnedLookup {
  has(key: string): boolean;
}

/** Every reason a frame is not answered. A closed list, so metrics can pre-create one series per reason. */
export const RESPONDER_DROP_REASONS = [
  'truncated',
  'vlan-tagged',
  'not-arp-or-ndp',
  'bad-hardware-type',
  'bad-protocol-type',
  'bad-lengths',
  'bad-opcode',
  'bad-ip-version',
  'ipv6-extension-headers',
  'bad-hop-limit',
  'bad-icmp-code',
  'bad-checksum',
  'bad-option',
  'bad-target',
  'bad-source-address',
  'bad-dad',
  'bad-solicited-flag',
  /** A group or all-zero MAC as the frame source, ARP sender or NS source link-layer address. */
  'bad-sender',
  'from-self',
  /** ARP reply or Neighbor Advertisement. */
  'not-a-request',
  /** ARP with sender IP = target IP: someone's announcement. */
  'gratuitous',
  'not-owned',
  'interface-not-allowed',
] as const;

export type ResponderDropReason = (typeof RESPONDER_DROP_REASONS)[number];

/**
 * Another MAC and an IP we own (`mac` is a copy, safe to keep after the receive buffer is reused). `claim`: it uses or announces the IP (ARP with that sender IP, NA for that
 * target, NS from that source) — two nodes answering, an Event and a metric. `probe`: it asks whether the IP
 * is free (RFC 5227 ARP probe, DAD NS) — about to configure it; our answer makes it back off.
 */
export interface Conflict {
  readonly ip: Address;
  readonly mac: Mac;
  readonly kind: 'claim' | 'probe';
}

export type ReplyKind = 'arp-reply' | 'neighbor-advertisement' | 'dad-defense';

export type ResponderDecision =
  | {
      readonly action: 'reply';
      readonly frame: Uint8Array;
      readonly ip: Address;
      readonly kind: ReplyKind;
      readonly conflict?: Conflict;
    }
  | { readonly action: 'drop'; readonly reason: ResponderDropReason; readonly conflict?: Conflict };

export interface ResponderInput {
  readonly iface: ResponderInterface;
  readonly owned: OwnedAddresses;
  /** All MACs of this node, for conflict detection; `iface.mac` is always counted. */
  readonly ourMacs?: readonly Mac[];
}

/** Decides what to do with one frame (raw bytes as a packet socket delivers them, no FCS). */
export function decide(bytes: Uint8Array, input: ResponderInput): ResponderDecision {
  const eth = decodeEthernet(bytes);
  if (!eth.ok) return drop(eth.reason);
  const { src, ethertype, payload } = eth.frame;
  if (sameMac(src, input.iface.mac)) return drop('from-self');
  if (isMulticastMac(src)) return drop('bad-sender');
  if (ethertype === ETHERTYPE_ARP) return decideArp(payload, src, input);
  if (ethertype === ETHERTYPE_IPV6) return decideNdp(payload, src, input);
  return drop('not-arp-or-ndp');
}

/**
 * Another MAC claiming or probing for an IP in `owned`, or undefined. Frames from `ourMacs` never conflict.
 * Malformed frames never do either: they are not evidence of anything.
 */
export function detectConflict(
  bytes: Uint8Array,
  owned: OwnedLookup,
  ourMacs: readonly Mac[],
): Conflict | undefined {
  const eth = decodeEthernet(bytes);
  if (!eth.ok || isMine(eth.frame.src, ourMacs)) return undefined;
  if (eth.frame.ethertype === ETHERTYPE_ARP) {
    const arp = decodeArp(eth.frame.payload);
    return arp.ok ? arpConflict(arp.packet, eth.frame.src, owned, ourMacs) : undefined;
  }
  if (eth.frame.ethertype === ETHERTYPE_IPV6) {
    const ndp = decodeNdp(eth.frame.payload);
    return ndp.ok ? ndpConflict(ndp.message, eth.frame.src, owned, ourMacs) : undefined;
  }
  return undefined;
}

function decideArp(payload: Uint8Array, ethSrc: Mac, input: ResponderInput): ResponderDecision {
  const decoded = decodeArp(payload);
  if (!decoded.ok) return drop(decoded.reason);
  const p = decoded.packet;
  const { iface } = input;
  if (sameMac(p.senderMac, iface.mac)) return drop('from-self');
  const conflict = arpConflict(p, ethSrc, input.owned, macsOf(input));
  if (p.op !== 'request') return drop('not-a-request', conflict);
  if (isGratuitousArp(p)) return drop('gratuitous', conflict);
  if (!isUnicastMac(p.senderMac) || !isUnicastMac(ethSrc)) return drop('bad-sender', conflict);
  const refused = refusal(p.targetIp, input);
  if (refused) return drop(refused, conflict);
  return reply(buildArpReply(p, iface.mac), p.targetIp, 'arp-reply', conflict);
}

function decideNdp(payload: Uint8Array, ethSrc: Mac, input: ResponderInput): ResponderDecision {
  const decoded = decodeNdp(payload);
  if (!decoded.ok) return drop(decoded.reason === 'not-ndp' ? 'not-arp-or-ndp' : decoded.reason);
  const m = decoded.message;
  const { iface } = input;
  if (m.type === 'solicitation' && m.sourceMac && sameMac(m.sourceMac, iface.mac)) return drop('from-self');
  const conflict = ndpConflict(m, ethSrc, input.owned, macsOf(input));
  if (m.type !== 'solicitation') return drop('not-a-request', conflict);
  const requesterMac = m.sourceMac ?? ethSrc;
  if (!isUnicastMac(requesterMac)) return drop('bad-sender', conflict);
  const refused = refusal(m.target, input);
  if (refused) return drop(refused, conflict);
  // Our NAs come from the target address itself, as from a host that has the address configured (what
  // the Linux kernel sends): some tools and stacks, ndisc6 among them, ignore an answer from any other
  // address, while a link-local source gains nothing, since the target is on-link for anyone who asks.
  const sourceIp = m.target;
  if (m.src.value === 0n) {
    return reply(buildDadDefense(m.target, iface.mac, sourceIp), m.target, 'dad-defense', conflict);
  }
  return reply(
    buildSolicitedAdvertisement(m, requesterMac, iface.mac, sourceIp),
    m.target,
    'neighbor-advertisement',
    conflict,
  );
}

function refusal(ip: Address, input: ResponderInput): 'not-owned' | 'interface-not-allowed' | undefined {
  const allowed = input.owned.get(formatAddress(ip));
  if (allowed === undefined) return 'not-owned';
  if (allowed !== 'any' && !allowed.has(input.iface.name)) return 'interface-not-allowed';
  return undefined;
}

function arpConflict(
  p: ArpPacket,
  ethSrc: Mac,
  owned: OwnedLookup,
  ourMacs: readonly Mac[],
): Conflict | undefined {
  if (isMine(p.senderMac, ourMacs) || isMine(ethSrc, ourMacs)) return undefined;
  // RFC 5227 §2.4: any ARP whose sender IP is ours but whose sender MAC is not is a conflict.
  if (p.senderIp.value !== 0n && owned.has(formatAddress(p.senderIp))) {
    return { ip: p.senderIp, mac: p.senderMac.slice(), kind: 'claim' };
  }
  if (isArpProbe(p) && owned.has(formatAddress(p.targetIp))) {
    return { ip: p.targetIp, mac: p.senderMac.slice(), kind: 'probe' };
  }
  return undefined;
}

function ndpConflict(
  m: NdpMessage,
  ethSrc: Mac,
  owned: OwnedLookup,
  ourMacs: readonly Mac[],
): Conflict | undefined {
  if (m.type === 'advertisement') {
    const mac = m.targetMac ?? ethSrc;
    if (isMine(mac, ourMacs) || isMine(ethSrc, ourMacs) || !owned.has(formatAddress(m.target)))
      return undefined;
    return { ip: m.target, mac: mac.slice(), kind: 'claim' };
  }
  const mac = m.sourceMac ?? ethSrc;
  if (isMine(mac, ourMacs) || isMine(ethSrc, ourMacs)) return undefined;
  if (m.src.value === 0n) {
    return owned.has(formatAddress(m.target)) ? { ip: m.target, mac: mac.slice(), kind: 'probe' } : undefined;
  }
  return owned.has(formatAddress(m.src)) ? { ip: m.src, mac: mac.slice(), kind: 'claim' } : undefined;
}

function macsOf(input: ResponderInput): readonly Mac[] {
  return input.ourMacs ? [input.iface.mac, ...input.ourMacs] : [input.iface.mac];
}

function isMine(mac: Mac, ourMacs: readonly Mac[]): boolean {
  return ourMacs.some((m) => sameMac(m, mac));
}

function drop(reason: ResponderDropReason, conflict?: Conflict): ResponderDecision {
  return conflict ? { action: 'drop', reason, conflict } : { action: 'drop', reason };
}

function reply(frame: Uint8Array, ip: Address, kind: ReplyKind, conflict?: Conflict): ResponderDecision {
  return conflict ? { action: 'reply', frame, ip, kind, conflict } : { action: 'reply', frame, ip, kind };
}
