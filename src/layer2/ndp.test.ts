import { describe, expect, it } from 'vitest';
import { type Address, formatAddress, parseAddress } from '../net/address.js';
import { formatMac, parseMac } from './ethernet.js';
import {
  ALL_NODES,
  buildDadDefense,
  buildNeighborAdvertisement,
  buildNeighborSolicitation,
  buildSolicitedAdvertisement,
  buildUnsolicitedAdvertisement,
  decodeNdp,
  icmpv6Checksum,
  ipv6MulticastMac,
  isSolicitedNodeMulticast,
  type NeighborSolicitation,
  solicitedNodeMulticast,
  UNSPECIFIED_IPV6,
} from './ndp.js';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ip = (s: string): Address => parseAddress(s) ?? { family: 'IPv6', value: -1n };
const mac = (s: string) => parseMac(s) ?? new Uint8Array(0);

const CLIENT_MAC = mac('02:00:5e:00:00:0a');
const OUR_MAC = mac('02:b1:b1:00:00:01');
const OUR_LINK_LOCAL = ip('fe80::b1:b1ff:fe00:1');

// Golden frames laid out by hand from RFC 8200 / RFC 4861; checksums computed with an independent script and
// confirmed by `tcpdump -vvv` ("[icmp6 sum ok]").
// NS: 2001:db8::10 asks ff02::1:ff00:100 who has 2001:db8::100, with its source link-layer address.
const NS = `3333ff000100 02005e00000a 86dd
  60000000 0020 3a ff 20010db8000000000000000000000010 ff0200000000000000000001ff000100
  87 00 bc12 00000000 20010db8000000000000000000000100 01 01 02005e00000a`;
// Our answer: from our link-local, to the requester, S=1 O=1, target link-layer address = our MAC.
const NA = `02005e00000a 02b1b1000001 86dd
  60000000 0020 3a ff fe8000000000000000b1b1fffe000001 20010db8000000000000000000000010
  88 00 563b 60000000 20010db8000000000000000000000100 02 01 02b1b1000001`;
// DAD probe for 2001:db8::100: unspecified source, no options.
const DAD = `3333ff000100 02005e00000a 86dd
  60000000 0018 3a ff 00000000000000000000000000000000 ff0200000000000000000001ff000100
  87 00 4aef 00000000 20010db8000000000000000000000100`;
// Unsolicited NA to all-nodes: S=0 O=1.
const UNSOLICITED_NA = `333300000001 02b1b1000001 86dd
  60000000 0020 3a ff fe8000000000000000b1b1fffe000001 ff020000000000000000000000000001
  88 00 c500 20000000 20010db8000000000000000000000100 02 01 02b1b1000001`;

/** The IPv6 packet of a frame. */
const ipv6Of = (hex: string) => bytes(hex).subarray(14);

/** RFC 1071 sum written out independently of ndp.ts, to re-checksum mutated packets. */
function fixChecksum(packet: Uint8Array): Uint8Array {
  const out = packet.slice();
  const len = (out[4] ?? 0) * 256 + (out[5] ?? 0);
  out[42] = 0;
  out[43] = 0;
  const data = [
    ...out.subarray(8, 40),
    0,
    0,
    len >> 8,
    len & 0xff,
    0,
    0,
    0,
    58,
    ...out.subarray(40, 40 + len),
  ];
  if (data.length % 2) data.push(0);
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += (data[i] ?? 0) * 256 + (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  out[42] = c >> 8;
  out[43] = c & 0xff;
  return out;
}

/** Applies byte edits at IPv6-packet offsets, then re-checksums unless told not to. */
function mutate(hex: string, edits: Record<number, number>, options: { fix?: boolean; cut?: number } = {}) {
  let p = ipv6Of(hex).slice();
  for (const [at, v] of Object.entries(edits)) p[Number(at)] = v;
  if (options.cut !== undefined) p = p.slice(0, options.cut);
  return options.fix === false ? p : fixChecksum(p);
}

function decodedNs(hex: string): NeighborSolicitation {
  const d = decodeNdp(ipv6Of(hex));
  if (!d.ok || d.message.type !== 'solicitation') throw new Error('golden NS must decode');
  return d.message;
}

describe('decodeNdp', () => {
  it('decodes the golden NS', () => {
    const m = decodedNs(NS);
    expect({
      src: formatAddress(m.src),
      dst: formatAddress(m.dst),
      target: formatAddress(m.target),
      sourceMac: m.sourceMac && formatMac(m.sourceMac),
    }).toEqual({
      src: '2001:db8::10',
      dst: 'ff02::1:ff00:100',
      target: '2001:db8::100',
      sourceMac: '02:00:5e:00:00:0a',
    });
  });

  it('decodes the golden DAD probe, with no source link-layer address', () => {
    const m = decodedNs(DAD);
    expect(m.src).toEqual(UNSPECIFIED_IPV6);
    expect(m.sourceMac).toBeUndefined();
  });

  it.each([
    {
      name: 'solicited NA',
      hex: NA,
      want: { router: false, solicited: true, override: true, dst: '2001:db8::10' },
    },
    {
      name: 'unsolicited NA',
      hex: UNSOLICITED_NA,
      want: { router: false, solicited: false, override: true, dst: 'ff02::1' },
    },
  ])('decodes the golden $name', ({ hex, want }) => {
    const d = decodeNdp(ipv6Of(hex));
    if (!d.ok || d.message.type !== 'advertisement') throw new Error('golden NA must decode');
    const m = d.message;
    expect({
      router: m.router,
      solicited: m.solicited,
      override: m.override,
      dst: formatAddress(m.dst),
    }).toEqual(want);
    expect(formatAddress(m.target)).toBe('2001:db8::100');
    expect(m.targetMac && formatMac(m.targetMac)).toBe('02:b1:b1:00:00:01');
  });

  // Offsets are into the IPv6 packet: 0 version, 4-5 payload length, 6 next header, 7 hop limit, 8 src, 24 dst,
  // 40 ICMPv6 type, 41 code, 42-43 checksum, 48 target, 64 first option.
  it.each([
    { name: 'a short IPv6 header', packet: mutate(NS, {}, { cut: 39 }), want: 'truncated' },
    { name: 'payload length past the end', packet: mutate(NS, { 5: 0x28 }), want: 'truncated' },
    { name: 'ICMPv6 shorter than 24 bytes', packet: mutate(NS, { 5: 0x10 }, { cut: 56 }), want: 'truncated' },
    { name: 'empty ICMPv6', packet: mutate(NS, { 5: 0 }, { cut: 40, fix: false }), want: 'truncated' },
    { name: 'IPv4 version', packet: mutate(NS, { 0: 0x45 }), want: 'bad-ip-version' },
    { name: 'hop-by-hop header', packet: mutate(NS, { 6: 0 }), want: 'ipv6-extension-headers' },
    { name: 'fragment header', packet: mutate(NS, { 6: 44 }), want: 'ipv6-extension-headers' },
    { name: 'destination options', packet: mutate(NS, { 6: 60 }), want: 'ipv6-extension-headers' },
    { name: 'UDP', packet: mutate(NS, { 6: 17 }, { fix: false }), want: 'not-ndp' },
    { name: 'echo request', packet: mutate(NS, { 40: 128 }), want: 'not-ndp' },
    { name: 'router solicitation', packet: mutate(NS, { 40: 133 }), want: 'not-ndp' },
    { name: 'hop limit 64', packet: mutate(NS, { 7: 64 }), want: 'bad-hop-limit' },
    { name: 'hop limit 254', packet: mutate(NS, { 7: 254 }), want: 'bad-hop-limit' },
    { name: 'code 1', packet: mutate(NS, { 41: 1 }), want: 'bad-icmp-code' },
    { name: 'a wrong checksum', packet: mutate(NS, { 43: 0x13 }, { fix: false }), want: 'bad-checksum' },
    { name: 'a flipped payload bit', packet: mutate(NS, { 63: 0x01 }, { fix: false }), want: 'bad-checksum' },
    { name: 'a multicast target', packet: mutate(NS, { 48: 0xff, 49: 0x02 }), want: 'bad-target' },
    { name: 'a multicast source', packet: mutate(NS, { 8: 0xff, 9: 0x02 }), want: 'bad-source-address' },
    { name: 'option length 0', packet: mutate(NS, { 65: 0 }), want: 'bad-option' },
    { name: 'option past the end', packet: mutate(NS, { 65: 2 }), want: 'bad-option' },
    {
      name: 'a 16-byte link-layer option',
      packet: mutate(`${NS} 0000000000000000`, { 5: 0x28, 65: 2 }),
      want: 'bad-option',
    },
    { name: 'a lone option byte', packet: mutate(`${NS} 00`, { 5: 0x21 }), want: 'bad-option' },
    {
      name: 'DAD with a source link-layer option',
      packet: mutate(NS, Object.fromEntries(Array.from({ length: 16 }, (_, i) => [8 + i, 0]))),
      want: 'bad-dad',
    },
    { name: 'DAD to all-nodes', packet: mutate(DAD, { 37: 0, 38: 0, 39: 1, 35: 0, 36: 0 }), want: 'bad-dad' },
    {
      name: 'NA to a multicast group with S=1',
      packet: mutate(UNSOLICITED_NA, { 44: 0x60 }),
      want: 'bad-solicited-flag',
    },
  ])('drops $name as $want', ({ packet, want }) => {
    expect(decodeNdp(packet)).toEqual({ ok: false, reason: want });
  });

  it('skips unknown options, ignores Ethernet padding and keeps the first link-layer option', () => {
    // Nonce option (type 14, RFC 3971), then the source link-layer option, then a second source option.
    const options = bytes('0e01000000000000 0101 02005e00000a 0101 02005e0000ff');
    const packet = new Uint8Array([...ipv6Of(NS).subarray(0, 64), ...options]);
    packet[5] = 24 + options.length;
    const d = decodeNdp(fixChecksum(packet));
    expect(
      d.ok && d.message.type === 'solicitation' && d.message.sourceMac && formatMac(d.message.sourceMac),
    ).toBe('02:00:5e:00:00:0a');
    const padded = new Uint8Array([...ipv6Of(NS), 0, 0, 0, 0]);
    expect(decodeNdp(padded)).toEqual(decodeNdp(ipv6Of(NS)));
  });
});

describe('building NDP frames', () => {
  it('answers the golden NS with the golden NA', () => {
    expect(toHex(buildSolicitedAdvertisement(decodedNs(NS), CLIENT_MAC, OUR_MAC, OUR_LINK_LOCAL))).toBe(
      toHex(bytes(NA)),
    );
  });

  it('sends to the Ethernet source when the NS has no source link-layer option', () => {
    const { sourceMac: _dropped, ...ns } = decodedNs(NS);
    const frame = buildSolicitedAdvertisement(ns, mac('02:00:5e:00:00:0b'), OUR_MAC, OUR_LINK_LOCAL);
    expect(formatMac(frame.subarray(0, 6))).toBe('02:00:5e:00:00:0b');
  });

  it('builds the golden unsolicited NA, which is also the DAD defence', () => {
    expect(toHex(buildUnsolicitedAdvertisement(ip('2001:db8::100'), OUR_MAC, OUR_LINK_LOCAL))).toBe(
      toHex(bytes(UNSOLICITED_NA)),
    );
    expect(toHex(buildDadDefense(ip('2001:db8::100'), OUR_MAC, OUR_LINK_LOCAL))).toBe(
      toHex(bytes(UNSOLICITED_NA)),
    );
  });

  it.each([
    { name: 'NS', hex: NS, src: ip('2001:db8::10') },
    { name: 'DAD probe', hex: DAD, src: UNSPECIFIED_IPV6 },
  ])('builds the golden $name', ({ hex, src }) => {
    const target = ip('2001:db8::100');
    const frame = buildNeighborSolicitation({
      srcMac: CLIENT_MAC,
      dstMac: ipv6MulticastMac(solicitedNodeMulticast(target)),
      src,
      dst: solicitedNodeMulticast(target),
      target,
    });
    expect(toHex(frame)).toBe(toHex(bytes(hex)));
  });

  it.each([
    { router: false, solicited: false, override: false },
    { router: true, solicited: false, override: true },
    { router: false, solicited: true, override: false },
    { router: true, solicited: true, override: true },
  ])('round-trips NA flags R=$router S=$solicited O=$override', (flags) => {
    const frame = buildNeighborAdvertisement({
      srcMac: OUR_MAC,
      dstMac: CLIENT_MAC,
      src: OUR_LINK_LOCAL,
      dst: ip('fd00::10'),
      target: ip('fd00::100'),
      targetMac: OUR_MAC,
      ...flags,
    });
    const d = decodeNdp(frame.subarray(14));
    if (!d.ok || d.message.type !== 'advertisement') throw new Error('must decode');
    expect({
      router: d.message.router,
      solicited: d.message.solicited,
      override: d.message.override,
    }).toEqual(flags);
  });

  it('refuses IPv4 addresses', () => {
    expect(() => buildUnsolicitedAdvertisement(ip('198.18.0.1'), OUR_MAC, OUR_LINK_LOCAL)).toThrow(
      expect.objectContaining({ code: 'WRONG_FAMILY' }),
    );
    expect(() => solicitedNodeMulticast(ip('198.18.0.1'))).toThrow(
      expect.objectContaining({ code: 'WRONG_FAMILY' }),
    );
  });
});

describe('ICMPv6 checksum', () => {
  it.each([
    { name: 'NS', hex: NS, want: 0xbc12 },
    { name: 'NA', hex: NA, want: 0x563b },
    { name: 'DAD', hex: DAD, want: 0x4aef },
    { name: 'unsolicited NA', hex: UNSOLICITED_NA, want: 0xc500 },
  ])('matches the independent value for the golden $name', ({ hex, want }) => {
    const p = ipv6Of(hex);
    const d = decodeNdp(p);
    if (!d.ok) throw new Error('golden must decode');
    const icmp = p.slice(40);
    expect(icmpv6Checksum(d.message.src, d.message.dst, icmp)).toBe(0);
    icmp[2] = 0;
    icmp[3] = 0;
    expect(icmpv6Checksum(d.message.src, d.message.dst, icmp)).toBe(want);
  });

  it('handles an odd-length message', () => {
    const src = ip('2001:db8::1');
    const dst = ip('2001:db8::2');
    const icmp = bytes('8000 0000 0001 0001 ab');
    const sum = icmpv6Checksum(src, dst, icmp);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 0xff;
    expect(icmpv6Checksum(src, dst, icmp)).toBe(0);
  });
});

describe('addresses', () => {
  it.each([
    { target: '2001:db8::100', group: 'ff02::1:ff00:100', mac: '33:33:ff:00:01:00' },
    { target: 'fd00::abcd:ef12:3456', group: 'ff02::1:ff12:3456', mac: '33:33:ff:12:34:56' },
    { target: 'fe80::b1:b1ff:fe00:1', group: 'ff02::1:ff00:1', mac: '33:33:ff:00:00:01' },
  ])('solicited-node group of $target', ({ target, group, mac: want }) => {
    const g = solicitedNodeMulticast(ip(target));
    expect(formatAddress(g)).toBe(group);
    expect(isSolicitedNodeMulticast(g)).toBe(true);
    expect(formatMac(ipv6MulticastMac(g))).toBe(want);
  });

  it.each([
    { addr: 'ff02::1', want: false },
    { addr: 'ff02::1:ff00:0', want: true },
    { addr: 'ff02::2:ff00:100', want: false },
    { addr: 'ff05::1:ff00:100', want: false },
    { addr: '2001:db8::1:ff00:100', want: false },
  ])('isSolicitedNodeMulticast($addr) = $want', ({ addr, want }) => {
    expect(isSolicitedNodeMulticast(ip(addr))).toBe(want);
  });

  it('maps all-nodes to 33:33:00:00:00:01', () => {
    expect(formatAddress(ALL_NODES)).toBe('ff02::1');
    expect(formatMac(ipv6MulticastMac(ALL_NODES))).toBe('33:33:00:00:00:01');
  });
});
