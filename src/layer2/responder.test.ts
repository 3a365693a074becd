import { describe, expect, it } from 'vitest';
import { type Address, formatAddress, parseAddress } from '../net/address.js';
import { buildArpFrame, buildGratuitousArp } from './arp.js';
import { BROADCAST_MAC, formatMac, type Mac, parseMac, ZERO_MAC } from './ethernet.js';
import {
  buildNeighborAdvertisement,
  buildNeighborSolicitation,
  buildUnsolicitedAdvertisement,
  ipv6MulticastMac,
  solicitedNodeMulticast,
  UNSPECIFIED_IPV6,
} from './ndp.js';
import {
  type AllowedInterfaces,
  type Conflict,
  decide,
  detectConflict,
  type OwnedAddresses,
  RESPONDER_DROP_REASONS,
  type ResponderDecision,
  type ResponderInterface,
} from './responder.js';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ip = (s: string): Address => parseAddress(s) ?? { family: 'IPv4', value: -1n };
const mac = (s: string) => parseMac(s) ?? new Uint8Array(0);

const OUR_MAC = mac('02:b1:b1:00:00:01');
const OUR_OTHER_MAC = mac('02:b1:b1:00:00:02');
const CLIENT_MAC = mac('02:00:5e:00:00:0a');
const INTRUDER_MAC = mac('02:00:5e:00:00:66');
const eth0: ResponderInterface = { name: 'eth0', mac: OUR_MAC };
const eth1: ResponderInterface = { name: 'eth1', mac: OUR_MAC };

const owned: OwnedAddresses = new Map<string, AllowedInterfaces>([
  ['198.18.0.100', 'any'],
  ['198.18.0.101', new Set(['eth1'])],
  ['2001:db8::100', 'any'],
  ['2001:db8::101', new Set(['eth1'])],
]);

const PAD = '00'.repeat(18);
// Same golden ARP frames and NS as arp.test.ts / ndp.test.ts (checked with tcpdump -vvv).
const WHO_HAS = bytes(
  `ffffffffffff 02005e00000a 0806 0001 0800 06 04 0001 02005e00000a c612000a 000000000000 c6120064 ${PAD}`,
);
const IS_AT = bytes(
  `02005e00000a 02b1b1000001 0806 0001 0800 06 04 0002 02b1b1000001 c6120064 02005e00000a c612000a ${PAD}`,
);
const NS = bytes(`3333ff000100 02005e00000a 86dd
  60000000 0020 3a ff 20010db8000000000000000000000010 ff0200000000000000000001ff000100
  87 00 bc12 00000000 20010db8000000000000000000000100 01 01 02005e00000a`);
// The responder's NAs come from the target address (2001:db8::100), as the kernel's do for its own
// addresses; checksums computed with an independent script (Python, RFC 8200 §8.1 pseudo-header).
const NA = bytes(`02005e00000a 02b1b1000001 86dd
  60000000 0020 3a ff 20010db8000000000000000000000100 20010db8000000000000000000000010
  88 00 d6b5 60000000 20010db8000000000000000000000100 02 01 02b1b1000001`);
const DAD_DEFENSE = bytes(`333300000001 02b1b1000001 86dd
  60000000 0020 3a ff 20010db8000000000000000000000100 ff020000000000000000000000000001
  88 00 457b 20000000 20010db8000000000000000000000100 02 01 02b1b1000001`);

function arp(
  op: 'request' | 'reply',
  senderIp: string,
  targetIp: string,
  o: { senderMac?: Mac; ethSrc?: Mac; targetMac?: Mac } = {},
): Uint8Array {
  const senderMac = o.senderMac ?? CLIENT_MAC;
  const frame = buildArpFrame(
    { op, senderMac, senderIp: ip(senderIp), targetMac: o.targetMac ?? ZERO_MAC, targetIp: ip(targetIp) },
    BROADCAST_MAC,
  );
  if (o.ethSrc) frame.set(o.ethSrc, 6);
  return frame;
}

function ns(src: string, target: string, o: { srcMac?: Mac; hopLimit?: number } = {}): Uint8Array {
  const t = ip(target);
  const frame = buildNeighborSolicitation({
    srcMac: o.srcMac ?? CLIENT_MAC,
    dstMac: ipv6MulticastMac(solicitedNodeMulticast(t)),
    src: src === '::' ? UNSPECIFIED_IPV6 : ip(src),
    dst: solicitedNodeMulticast(t),
    target: t,
  });
  if (o.hopLimit !== undefined) frame[14 + 7] = o.hopLimit;
  return frame;
}

function na(target: string, from: Mac): Uint8Array {
  return buildNeighborAdvertisement({
    srcMac: from,
    dstMac: CLIENT_MAC,
    src: ip('fe80::1'),
    dst: ip('2001:db8::10'),
    target: ip(target),
    targetMac: from,
    router: false,
    solicited: true,
    override: true,
  });
}

/** A NUD-style unicast NS, sent to the address itself, with no source link-layer option. */
function unicastNsWithoutOption(): Uint8Array {
  return buildNeighborSolicitation({
    srcMac: CLIENT_MAC,
    dstMac: OUR_MAC,
    src: ip('2001:db8::10'),
    dst: ip('2001:db8::100'),
    target: ip('2001:db8::100'),
    withSourceLinkLayer: false,
  });
}

function fixIcmpChecksum(frame: Uint8Array): Uint8Array {
  const p = frame.subarray(14);
  const len = (p[4] ?? 0) * 256 + (p[5] ?? 0);
  p[42] = 0;
  p[43] = 0;
  const data = [...p.subarray(8, 40), 0, 0, len >> 8, len & 0xff, 0, 0, 0, 58, ...p.subarray(40, 40 + len)];
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += (data[i] ?? 0) * 256 + (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  p[42] = (~sum >> 8) & 0xff;
  p[43] = ~sum & 0xff;
  return frame;
}

/** A comparable summary of a decision. */
function summary(d: ResponderDecision) {
  const conflict =
    d.conflict && `${d.conflict.kind} ${formatAddress(d.conflict.ip)} ${formatMac(d.conflict.mac)}`;
  if (d.action === 'drop') return { drop: d.reason, conflict };
  return { reply: d.kind, ip: formatAddress(d.ip), conflict };
}

const vlanTagged = (frame: Uint8Array) =>
  new Uint8Array([...frame.subarray(0, 12), 0x81, 0x00, 0x00, 0x64, ...frame.subarray(12)]);
/** A copy of `frame` with byte `at` set to `value`. */
const patched = (frame: Uint8Array, at: number, value: number) => {
  const f = frame.slice();
  f[at] = value;
  return f;
};
/** A copy of `frame` with the low bit of byte `at` flipped. */
const flipped = (frame: Uint8Array, at: number) => patched(frame, at, (frame[at] ?? 0) ^ 1);
const withEthSrc = (frame: Uint8Array, src: Mac) => {
  const f = frame.slice();
  f.set(src, 6);
  return f;
};

describe('decide', () => {
  it('answers the golden who-has with the golden is-at', () => {
    const d = decide(WHO_HAS, { iface: eth0, owned });
    expect(d.action === 'reply' && toHex(d.frame)).toBe(toHex(IS_AT));
  });

  it('answers the golden NS with the golden NA', () => {
    const d = decide(NS, { iface: eth0, owned });
    expect(d.action === 'reply' && toHex(d.frame)).toBe(toHex(NA));
  });

  it('defends an owned address against a DAD probe with an NA to all-nodes, and reports the probe', () => {
    const d = decide(ns('::', '2001:db8::100'), { iface: eth0, owned });
    expect(d.action === 'reply' && toHex(d.frame)).toBe(toHex(DAD_DEFENSE));
    expect(summary(d)).toEqual({
      reply: 'dad-defense',
      ip: '2001:db8::100',
      conflict: 'probe 2001:db8::100 02:00:5e:00:00:0a',
    });
  });

  it.each<{ name: string; frame: Uint8Array; iface?: ResponderInterface; want: ReturnType<typeof summary> }>([
    // ARP
    {
      name: 'who-has owned',
      frame: WHO_HAS,
      want: { reply: 'arp-reply', ip: '198.18.0.100', conflict: undefined },
    },
    {
      name: 'who-has not owned',
      frame: arp('request', '198.18.0.10', '198.18.0.200'),
      want: { drop: 'not-owned', conflict: undefined },
    },
    {
      name: 'who-has for the node itself (not in the owned set)',
      frame: arp('request', '198.18.0.10', '198.18.0.2'),
      want: { drop: 'not-owned', conflict: undefined },
    },
    {
      name: 'who-has owned elsewhere',
      frame: arp('request', '198.18.0.10', '198.18.0.101'),
      want: { drop: 'interface-not-allowed', conflict: undefined },
    },
    {
      name: 'who-has owned on its interface',
      frame: arp('request', '198.18.0.10', '198.18.0.101'),
      iface: eth1,
      want: { reply: 'arp-reply', ip: '198.18.0.101', conflict: undefined },
    },
    {
      name: 'ARP reply',
      frame: arp('reply', '198.18.0.10', '198.18.0.100'),
      want: { drop: 'not-a-request', conflict: undefined },
    },
    {
      name: 'ARP reply for an owned IP from another MAC',
      frame: arp('reply', '198.18.0.100', '198.18.0.10', { senderMac: INTRUDER_MAC }),
      want: { drop: 'not-a-request', conflict: 'claim 198.18.0.100 02:00:5e:00:00:66' },
    },
    {
      name: 'our own frame looped back',
      frame: arp('request', '198.18.0.10', '198.18.0.100', { ethSrc: OUR_MAC }),
      want: { drop: 'from-self', conflict: undefined },
    },
    {
      name: 'ARP sender MAC ours behind another Ethernet source',
      frame: arp('request', '198.18.0.10', '198.18.0.100', { senderMac: OUR_MAC, ethSrc: CLIENT_MAC }),
      want: { drop: 'from-self', conflict: undefined },
    },
    {
      name: 'gratuitous ARP for someone else',
      frame: buildGratuitousArp(CLIENT_MAC, ip('198.18.0.10'), 'request'),
      want: { drop: 'gratuitous', conflict: undefined },
    },
    {
      name: 'gratuitous ARP for an owned IP from another MAC',
      frame: buildGratuitousArp(INTRUDER_MAC, ip('198.18.0.100'), 'request'),
      want: { drop: 'gratuitous', conflict: 'claim 198.18.0.100 02:00:5e:00:00:66' },
    },
    {
      name: 'gratuitous ARP reply form for an owned IP',
      frame: buildGratuitousArp(INTRUDER_MAC, ip('198.18.0.100'), 'reply'),
      want: { drop: 'not-a-request', conflict: 'claim 198.18.0.100 02:00:5e:00:00:66' },
    },
    {
      name: 'gratuitous ARP for an owned IP from our other NIC',
      frame: buildGratuitousArp(OUR_OTHER_MAC, ip('198.18.0.100'), 'request'),
      want: { drop: 'gratuitous', conflict: undefined },
    },
    {
      name: 'ARP probe for an owned IP',
      frame: arp('request', '0.0.0.0', '198.18.0.100'),
      want: { reply: 'arp-reply', ip: '198.18.0.100', conflict: 'probe 198.18.0.100 02:00:5e:00:00:0a' },
    },
    {
      name: 'ARP probe for another IP',
      frame: arp('request', '0.0.0.0', '198.18.0.200'),
      want: { drop: 'not-owned', conflict: undefined },
    },
    {
      name: 'who-has from a host using an owned IP',
      frame: arp('request', '198.18.0.100', '198.18.0.101', { senderMac: INTRUDER_MAC }),
      iface: eth1,
      want: { reply: 'arp-reply', ip: '198.18.0.101', conflict: 'claim 198.18.0.100 02:00:5e:00:00:66' },
    },
    {
      name: 'ARP sender MAC broadcast',
      frame: arp('request', '198.18.0.10', '198.18.0.100', { senderMac: BROADCAST_MAC, ethSrc: CLIENT_MAC }),
      want: { drop: 'bad-sender', conflict: undefined },
    },
    {
      name: 'ARP sender MAC zero',
      frame: arp('request', '198.18.0.10', '198.18.0.100', { senderMac: ZERO_MAC, ethSrc: CLIENT_MAC }),
      want: { drop: 'bad-sender', conflict: undefined },
    },
    {
      name: 'Ethernet source multicast',
      frame: withEthSrc(WHO_HAS, mac('01:00:5e:00:00:01')),
      want: { drop: 'bad-sender', conflict: undefined },
    },
    {
      name: 'VLAN-tagged who-has',
      frame: vlanTagged(WHO_HAS),
      want: { drop: 'vlan-tagged', conflict: undefined },
    },
    { name: 'runt', frame: WHO_HAS.subarray(0, 13), want: { drop: 'truncated', conflict: undefined } },
    {
      name: 'ARP cut short',
      frame: WHO_HAS.subarray(0, 41),
      want: { drop: 'truncated', conflict: undefined },
    },
    {
      name: 'ARP opcode 3',
      frame: patched(WHO_HAS.slice(), 21, 3),
      want: { drop: 'bad-opcode', conflict: undefined },
    },
    {
      name: 'IPv4 packet',
      frame: patched(WHO_HAS.slice(), 13, 0),
      want: { drop: 'not-arp-or-ndp', conflict: undefined },
    },
    // NDP
    {
      name: 'NS owned',
      frame: NS,
      want: { reply: 'neighbor-advertisement', ip: '2001:db8::100', conflict: undefined },
    },
    {
      name: 'NS not owned',
      frame: ns('2001:db8::10', '2001:db8::200'),
      want: { drop: 'not-owned', conflict: undefined },
    },
    {
      name: 'NS owned elsewhere',
      frame: ns('2001:db8::10', '2001:db8::101'),
      want: { drop: 'interface-not-allowed', conflict: undefined },
    },
    {
      name: 'NS owned on its interface',
      frame: ns('2001:db8::10', '2001:db8::101'),
      iface: eth1,
      want: { reply: 'neighbor-advertisement', ip: '2001:db8::101', conflict: undefined },
    },
    {
      name: 'NS from our MAC',
      frame: ns('2001:db8::10', '2001:db8::100', { srcMac: OUR_MAC }),
      want: { drop: 'from-self', conflict: undefined },
    },
    {
      name: 'NS with a source link-layer option of ours',
      frame: withEthSrc(ns('2001:db8::10', '2001:db8::100', { srcMac: OUR_MAC }), CLIENT_MAC),
      want: { drop: 'from-self', conflict: undefined },
    },
    {
      name: 'NS with hop limit 64',
      frame: fixIcmpChecksum(ns('2001:db8::10', '2001:db8::100', { hopLimit: 64 })),
      want: { drop: 'bad-hop-limit', conflict: undefined },
    },
    {
      name: 'NS with a bad checksum',
      frame: flipped(NS.slice(), 57),
      want: { drop: 'bad-checksum', conflict: undefined },
    },
    { name: 'VLAN-tagged NS', frame: vlanTagged(NS), want: { drop: 'vlan-tagged', conflict: undefined } },
    {
      name: 'ICMPv6 echo',
      frame: fixIcmpChecksum(patched(NS.slice(), 54, 128)),
      want: { drop: 'not-arp-or-ndp', conflict: undefined },
    },
    {
      name: 'IPv6 UDP',
      frame: patched(NS.slice(), 20, 17),
      want: { drop: 'not-arp-or-ndp', conflict: undefined },
    },
    {
      name: 'IPv6 fragment',
      frame: patched(NS.slice(), 20, 44),
      want: { drop: 'ipv6-extension-headers', conflict: undefined },
    },
    {
      name: 'DAD probe for another IP',
      frame: ns('::', '2001:db8::200'),
      want: { drop: 'not-owned', conflict: undefined },
    },
    {
      name: 'DAD probe for an owned IP elsewhere',
      frame: ns('::', '2001:db8::101'),
      want: { drop: 'interface-not-allowed', conflict: 'probe 2001:db8::101 02:00:5e:00:00:0a' },
    },
    {
      name: 'NS from a host using an owned IP',
      frame: ns('2001:db8::101', '2001:db8::100', { srcMac: INTRUDER_MAC }),
      want: {
        reply: 'neighbor-advertisement',
        ip: '2001:db8::100',
        conflict: 'claim 2001:db8::101 02:00:5e:00:00:66',
      },
    },
    {
      name: 'NA for an owned IP from another MAC',
      frame: na('2001:db8::100', INTRUDER_MAC),
      want: { drop: 'not-a-request', conflict: 'claim 2001:db8::100 02:00:5e:00:00:66' },
    },
    {
      name: 'NA for an owned IP from our other NIC',
      frame: na('2001:db8::100', OUR_OTHER_MAC),
      want: { drop: 'not-a-request', conflict: undefined },
    },
    {
      name: 'NA for another IP',
      frame: na('2001:db8::200', INTRUDER_MAC),
      want: { drop: 'not-a-request', conflict: undefined },
    },
    {
      name: 'unsolicited NA taking an owned IP',
      frame: buildUnsolicitedAdvertisement(ip('2001:db8::100'), INTRUDER_MAC, ip('fe80::66')),
      want: { drop: 'not-a-request', conflict: 'claim 2001:db8::100 02:00:5e:00:00:66' },
    },
  ])('$name', ({ frame, iface, want }) => {
    expect(summary(decide(frame, { iface: iface ?? eth0, owned, ourMacs: [OUR_OTHER_MAC] }))).toEqual(want);
  });

  it('answers a unicast NS without a source link-layer option at its Ethernet source', () => {
    const d = decide(unicastNsWithoutOption(), { iface: eth0, owned });
    expect(summary(d)).toEqual({ reply: 'neighbor-advertisement', ip: '2001:db8::100', conflict: undefined });
    expect(d.action === 'reply' && formatMac(d.frame.subarray(0, 6))).toBe('02:00:5e:00:00:0a');
  });

  it('sources the NA from the target when the interface has no link-local address', () => {
    const d = decide(NS, { iface: eth1, owned: new Map([['2001:db8::100', new Set(['eth1'])]]) });
    expect(d.action === 'reply' && toHex(d.frame.subarray(14 + 8, 14 + 24))).toBe(
      '20010db8000000000000000000000100',
    );
  });

  it('only reports reasons from its closed list', () => {
    const frames = [WHO_HAS, NS, vlanTagged(NS), new Uint8Array(3), na('2001:db8::100', INTRUDER_MAC)];
    for (const f of frames) {
      const d = decide(f, { iface: eth0, owned });
      if (d.action === 'drop') expect(RESPONDER_DROP_REASONS).toContain(d.reason);
    }
  });
});

describe('detectConflict', () => {
  const ownedSet = new Set(['198.18.0.100', '2001:db8::100']);
  const ours = [OUR_MAC, OUR_OTHER_MAC];
  const show = (c: Conflict | undefined) => c && `${c.kind} ${formatAddress(c.ip)} ${formatMac(c.mac)}`;

  it.each([
    {
      name: 'ARP reply from another MAC',
      frame: arp('reply', '198.18.0.100', '198.18.0.10', { senderMac: INTRUDER_MAC }),
      want: 'claim 198.18.0.100 02:00:5e:00:00:66',
    },
    {
      name: 'gratuitous request',
      frame: buildGratuitousArp(INTRUDER_MAC, ip('198.18.0.100'), 'request'),
      want: 'claim 198.18.0.100 02:00:5e:00:00:66',
    },
    {
      name: 'gratuitous reply',
      frame: buildGratuitousArp(INTRUDER_MAC, ip('198.18.0.100'), 'reply'),
      want: 'claim 198.18.0.100 02:00:5e:00:00:66',
    },
    {
      name: 'ARP probe',
      frame: arp('request', '0.0.0.0', '198.18.0.100'),
      want: 'probe 198.18.0.100 02:00:5e:00:00:0a',
    },
    {
      name: 'our own announcement',
      frame: buildGratuitousArp(OUR_MAC, ip('198.18.0.100'), 'request'),
      want: undefined,
    },
    {
      name: 'our other NIC announcing',
      frame: buildGratuitousArp(OUR_OTHER_MAC, ip('198.18.0.100'), 'reply'),
      want: undefined,
    },
    { name: 'ARP about other IPs', frame: arp('reply', '198.18.0.10', '198.18.0.100'), want: undefined },
    { name: 'who-has for an owned IP', frame: WHO_HAS, want: undefined },
    {
      name: 'NA from another MAC',
      frame: na('2001:db8::100', INTRUDER_MAC),
      want: 'claim 2001:db8::100 02:00:5e:00:00:66',
    },
    { name: 'NA from us', frame: na('2001:db8::100', OUR_MAC), want: undefined },
    { name: 'DAD probe', frame: ns('::', '2001:db8::100'), want: 'probe 2001:db8::100 02:00:5e:00:00:0a' },
    {
      name: 'NS from an owned source',
      frame: ns('2001:db8::100', '2001:db8::1', { srcMac: INTRUDER_MAC }),
      want: 'claim 2001:db8::100 02:00:5e:00:00:66',
    },
    { name: 'NS for an owned target', frame: NS, want: undefined },
    {
      name: 'NA with a bad checksum',
      frame: flipped(na('2001:db8::100', INTRUDER_MAC), 60),
      want: undefined,
    },
    {
      name: 'VLAN-tagged gratuitous',
      frame: vlanTagged(buildGratuitousArp(INTRUDER_MAC, ip('198.18.0.100'), 'request')),
      want: undefined,
    },
    { name: 'garbage', frame: bytes('00112233'), want: undefined },
  ])('$name', ({ frame, want }) => {
    expect(show(detectConflict(frame, ownedSet, ours))).toBe(want);
    // The owned map works as the lookup too.
    expect(show(detectConflict(frame, owned, ours))).toBe(want);
  });
});
