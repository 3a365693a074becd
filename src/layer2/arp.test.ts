import { describe, expect, it } from 'vitest';
import { type Address, formatAddress, parseAddress } from '../net/address.js';
import {
  type ArpPacket,
  buildArpFrame,
  buildArpReply,
  buildGratuitousArp,
  decodeArp,
  encodeArp,
  gratuitousArpFrames,
  isArpProbe,
  isGratuitousArp,
} from './arp.js';
import { BROADCAST_MAC, decodeEthernet, FrameBuildError, formatMac, parseMac } from './ethernet.js';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ip = (s: string): Address => parseAddress(s) ?? { family: 'IPv4', value: -1n };
const mac = (s: string) => parseMac(s) ?? new Uint8Array(0);

const CLIENT_MAC = mac('02:00:5e:00:00:0a');
const OUR_MAC = mac('02:b1:b1:00:00:01');
const PAD = '00'.repeat(18);

// Hand-laid-out from RFC 826: htype ptype hlen plen op | sha spa | tha tpa. Checked with tcpdump -vvv.
const WHO_HAS = `0001 0800 06 04 0001  02005e00000a c612000a  000000000000 c6120064`;
const WHO_HAS_FRAME = bytes(`ffffffffffff 02005e00000a 0806 ${WHO_HAS} ${PAD}`);
const IS_AT_FRAME = bytes(
  `02005e00000a 02b1b1000001 0806  0001 0800 06 04 0002  02b1b1000001 c6120064  02005e00000a c612000a ${PAD}`,
);

const payloadOf = (frame: Uint8Array) => frame.subarray(14);

describe('decodeArp', () => {
  it('decodes a golden who-has 198.18.0.100 tell 198.18.0.10', () => {
    const d = decodeArp(payloadOf(WHO_HAS_FRAME));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect({
      op: d.packet.op,
      senderMac: formatMac(d.packet.senderMac),
      senderIp: formatAddress(d.packet.senderIp),
      targetMac: formatMac(d.packet.targetMac),
      targetIp: formatAddress(d.packet.targetIp),
    }).toEqual({
      op: 'request',
      senderMac: '02:00:5e:00:00:0a',
      senderIp: '198.18.0.10',
      targetMac: '00:00:00:00:00:00',
      targetIp: '198.18.0.100',
    });
  });

  it.each([
    { name: 'empty', hex: '', want: 'truncated' },
    { name: '27 bytes', hex: WHO_HAS.replace(/\s+/g, '').slice(0, 54), want: 'truncated' },
    { name: 'IEEE 802 hardware type', hex: WHO_HAS.replace(/^0001/, '0006'), want: 'bad-hardware-type' },
    { name: 'hardware type 0', hex: WHO_HAS.replace(/^0001/, '0000'), want: 'bad-hardware-type' },
    { name: 'IPv6 protocol type', hex: WHO_HAS.replace('0800', '86dd'), want: 'bad-protocol-type' },
    { name: 'hlen 8', hex: WHO_HAS.replace('06 04', '08 04'), want: 'bad-lengths' },
    { name: 'plen 16', hex: WHO_HAS.replace('06 04', '06 10'), want: 'bad-lengths' },
    { name: 'opcode 0', hex: WHO_HAS.replace('06 04 0001', '06 04 0000'), want: 'bad-opcode' },
    { name: 'opcode 3 (RARP)', hex: WHO_HAS.replace('06 04 0001', '06 04 0003'), want: 'bad-opcode' },
    { name: 'opcode 0x0101', hex: WHO_HAS.replace('06 04 0001', '06 04 0101'), want: 'bad-opcode' },
  ])('drops $name as $want', ({ hex, want }) => {
    expect(decodeArp(bytes(hex))).toEqual({ ok: false, reason: want });
  });

  it('accepts exactly 28 bytes and ignores trailing padding', () => {
    const exact = decodeArp(bytes(WHO_HAS));
    const padded = decodeArp(bytes(`${WHO_HAS} ${PAD}ffff`));
    expect(exact.ok && padded.ok).toBe(true);
    expect(exact).toEqual(padded);
  });
});

describe('encodeArp', () => {
  const packets: ArpPacket[] = [
    {
      op: 'request',
      senderMac: CLIENT_MAC,
      senderIp: ip('198.18.0.10'),
      targetMac: mac('00:00:00:00:00:00'),
      targetIp: ip('198.18.0.100'),
    },
    {
      op: 'reply',
      senderMac: OUR_MAC,
      senderIp: ip('198.19.255.255'),
      targetMac: CLIENT_MAC,
      targetIp: ip('198.18.0.0'),
    },
    {
      op: 'request',
      senderMac: CLIENT_MAC,
      senderIp: ip('0.0.0.0'),
      targetMac: BROADCAST_MAC,
      targetIp: ip('198.18.0.1'),
    },
  ];

  it('writes the golden who-has', () => {
    const p = packets[0];
    expect(p && toHex(encodeArp(p))).toBe(WHO_HAS.replace(/\s+/g, ''));
  });

  it.each(packets.map((p, i) => ({ i, p })))('round-trips packet $i', ({ p }) => {
    const d = decodeArp(encodeArp(p));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.packet.op).toBe(p.op);
    expect(toHex(d.packet.senderMac)).toBe(toHex(p.senderMac));
    expect(toHex(d.packet.targetMac)).toBe(toHex(p.targetMac));
    expect(d.packet.senderIp).toEqual(p.senderIp);
    expect(d.packet.targetIp).toEqual(p.targetIp);
  });

  it('refuses an IPv6 address and a short MAC', () => {
    const p = packets[0] as ArpPacket;
    expect(() => encodeArp({ ...p, targetIp: ip('2001:db8::1') })).toThrow(FrameBuildError);
    expect(() => encodeArp({ ...p, senderMac: mac('02:00:5e:00:00') })).toThrow(FrameBuildError);
  });

  it('frames a packet from its sender MAC, padded to 60 bytes', () => {
    const frame = buildArpFrame(packets[0] as ArpPacket, BROADCAST_MAC);
    expect(toHex(frame)).toBe(toHex(WHO_HAS_FRAME));
  });
});

describe('buildArpReply', () => {
  it('answers the golden who-has with the golden is-at', () => {
    const d = decodeArp(payloadOf(WHO_HAS_FRAME));
    if (!d.ok) throw new Error('golden request must decode');
    expect(toHex(buildArpReply(d.packet, OUR_MAC))).toBe(toHex(IS_AT_FRAME));
  });

  it('answers an RFC 5227 probe to the prober with target IP 0.0.0.0', () => {
    const probe: ArpPacket = {
      op: 'request',
      senderMac: CLIENT_MAC,
      senderIp: ip('0.0.0.0'),
      targetMac: mac('00:00:00:00:00:00'),
      targetIp: ip('198.18.0.100'),
    };
    expect(toHex(buildArpReply(probe, OUR_MAC))).toBe(
      `02005e00000a02b1b10000010806 000108000604 0002 02b1b1000001c6120064 02005e00000a00000000 ${PAD}`.replace(
        /\s+/g,
        '',
      ),
    );
  });
});

describe('gratuitous ARP', () => {
  // RFC 5227 §3 announcement: request, sender IP = target IP, target MAC zero.
  const REQUEST_FORM = `ffffffffffff02b1b10000010806 0001080006040001 02b1b1000001c6120064 000000000000c6120064 ${PAD}`;
  // RFC 5944 §4.6 reply form: target MAC = sender MAC.
  const REPLY_FORM = `ffffffffffff02b1b10000010806 0001080006040002 02b1b1000001c6120064 02b1b1000001c6120064 ${PAD}`;

  it.each([
    { form: 'request' as const, want: REQUEST_FORM },
    { form: 'reply' as const, want: REPLY_FORM },
  ])('builds the $form form', ({ form, want }) => {
    expect(toHex(buildGratuitousArp(OUR_MAC, ip('198.18.0.100'), form))).toBe(want.replace(/\s+/g, ''));
  });

  it('announces with both forms, request first', () => {
    expect(gratuitousArpFrames(OUR_MAC, ip('198.18.0.100')).map(toHex)).toEqual(
      [REQUEST_FORM, REPLY_FORM].map((h) => h.replace(/\s+/g, '')),
    );
  });

  it.each([
    { name: 'who-has', hex: WHO_HAS, gratuitous: false, probe: false },
    {
      name: 'announcement',
      hex: REQUEST_FORM.replace(/\s+/g, '').slice(28, 84),
      gratuitous: true,
      probe: false,
    },
    { name: 'reply form', hex: REPLY_FORM.replace(/\s+/g, '').slice(28, 84), gratuitous: true, probe: false },
    {
      name: 'probe',
      hex: '0001080006040001 02005e00000a 00000000 000000000000 c6120064',
      gratuitous: false,
      probe: true,
    },
  ])('classifies a $name', ({ hex, gratuitous, probe }) => {
    const d = decodeArp(bytes(hex));
    if (!d.ok) throw new Error(`must decode: ${d.reason}`);
    expect({ gratuitous: isGratuitousArp(d.packet), probe: isArpProbe(d.packet) }).toEqual({
      gratuitous,
      probe,
    });
  });

  it('puts the frames on the broadcast address from our MAC', () => {
    for (const f of gratuitousArpFrames(OUR_MAC, ip('198.18.0.100'))) {
      const e = decodeEthernet(f);
      expect(e.ok && [formatMac(e.frame.dst), formatMac(e.frame.src)]).toEqual([
        'ff:ff:ff:ff:ff:ff',
        '02:b1:b1:00:00:01',
      ]);
    }
  });
});
