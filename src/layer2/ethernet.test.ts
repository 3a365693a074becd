import { describe, expect, it } from 'vitest';
import {
  BROADCAST_MAC,
  decodeEthernet,
  ETHERTYPE_ARP,
  encodeEthernet,
  FrameBuildError,
  formatMac,
  isBroadcastMac,
  isMulticastMac,
  isUnicastMac,
  isZeroMac,
  parseMac,
  sameMac,
} from './ethernet.js';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// ARP who-has 198.18.0.100 tell 198.18.0.10, broadcast, padded to 60 bytes.
const ARP_REQUEST = bytes(`
  ffffffffffff 02005e00000a 0806
  0001 0800 06 04 0001 02005e00000a c612000a 000000000000 c6120064
  000000000000000000000000000000000000`);

describe('decodeEthernet', () => {
  it('splits a golden ARP frame into header fields and payload', () => {
    const d = decodeEthernet(ARP_REQUEST);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(formatMac(d.frame.dst)).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatMac(d.frame.src)).toBe('02:00:5e:00:00:0a');
    expect(d.frame.ethertype).toBe(ETHERTYPE_ARP);
    expect(d.frame.payload.length).toBe(46);
    expect(toHex(d.frame.payload.subarray(0, 8))).toBe('0001080006040001');
  });

  it.each([
    { name: 'empty', hex: '', want: 'truncated' },
    { name: '13 bytes', hex: 'ffffffffffff02005e00000a08', want: 'truncated' },
    { name: '802.1Q tag', hex: 'ffffffffffff02005e00000a 8100 0064 0806 0001', want: 'vlan-tagged' },
    { name: '802.1ad tag', hex: 'ffffffffffff02005e00000a 88a8 0064 8100 0065 0806', want: 'vlan-tagged' },
    { name: 'legacy QinQ tag', hex: 'ffffffffffff02005e00000a 9100 0064 0806', want: 'vlan-tagged' },
  ])('drops $name as $want', ({ hex, want }) => {
    expect(decodeEthernet(bytes(hex))).toEqual({ ok: false, reason: want });
  });

  it('accepts a bare 14-byte header with an empty payload', () => {
    const d = decodeEthernet(bytes('ffffffffffff02005e00000a86dd'));
    expect(d.ok && d.frame.payload.length).toBe(0);
  });
});

describe('encodeEthernet', () => {
  const src = bytes('02b1b1000001');

  it('round-trips and pads short frames to 60 bytes with zeros', () => {
    const payload = bytes('0102030405');
    const out = encodeEthernet({ dst: BROADCAST_MAC, src, ethertype: 0x0806, payload });
    expect(out.length).toBe(60);
    expect(toHex(out.subarray(0, 19))).toBe('ffffffffffff02b1b10000010806' + '0102030405');
    expect(out.subarray(19).every((b) => b === 0)).toBe(true);
    const d = decodeEthernet(out);
    expect(d.ok && toHex(d.frame.payload.subarray(0, 5))).toBe('0102030405');
  });

  it('does not pad when asked not to, and never pads long frames', () => {
    expect(
      encodeEthernet({ dst: src, src, ethertype: 0x86dd, payload: new Uint8Array(4) }, { pad: false }).length,
    ).toBe(18);
    expect(encodeEthernet({ dst: src, src, ethertype: 0x86dd, payload: new Uint8Array(72) }).length).toBe(86);
  });

  it.each([
    { name: 'short destination MAC', dst: bytes('ffff'), ethertype: 0x0806, code: 'BAD_MAC' },
    { name: '802.3 length instead of a type', dst: BROADCAST_MAC, ethertype: 0x05dc, code: 'BAD_PAYLOAD' },
  ])('refuses a $name', ({ dst, ethertype, code }) => {
    const build = () => encodeEthernet({ dst, src, ethertype, payload: new Uint8Array(0) });
    expect(build).toThrow(FrameBuildError);
    expect(build).toThrow(expect.objectContaining({ code }));
  });
});

describe('MAC helpers', () => {
  it.each([
    { text: '02:b1:b1:00:00:01', want: '02:b1:b1:00:00:01' },
    { text: '02-B1-B1-00-00-01', want: '02:b1:b1:00:00:01' },
    { text: ' FF:ff:FF:ff:FF:ff ', want: 'ff:ff:ff:ff:ff:ff' },
    { text: '02:b1:b1:00:00', want: undefined },
    { text: '02:b1:b1:00:00:01:02', want: undefined },
    { text: '02:b1-b1:00:00:01', want: undefined },
    { text: '02b1.b100.0001', want: undefined },
    { text: 'g2:b1:b1:00:00:01', want: undefined },
    { text: '2:b1:b1:0:0:1', want: undefined },
    { text: '', want: undefined },
  ])('parseMac($text)', ({ text, want }) => {
    const mac = parseMac(text);
    expect(mac && formatMac(mac)).toBe(want);
  });

  it.each([
    { mac: 'ff:ff:ff:ff:ff:ff', broadcast: true, multicast: true, zero: false, unicast: false },
    { mac: '33:33:ff:00:01:00', broadcast: false, multicast: true, zero: false, unicast: false },
    { mac: '01:00:5e:00:00:01', broadcast: false, multicast: true, zero: false, unicast: false },
    { mac: '00:00:00:00:00:00', broadcast: false, multicast: false, zero: true, unicast: false },
    { mac: '02:b1:b1:00:00:01', broadcast: false, multicast: false, zero: false, unicast: true },
    { mac: '52:54:00:12:34:56', broadcast: false, multicast: false, zero: false, unicast: true },
  ])('classifies $mac', ({ mac, broadcast, multicast, zero, unicast }) => {
    const m = parseMac(mac) ?? new Uint8Array(0);
    expect({
      broadcast: isBroadcastMac(m),
      multicast: isMulticastMac(m),
      zero: isZeroMac(m),
      unicast: isUnicastMac(m),
    }).toEqual({ broadcast, multicast, zero, unicast });
  });

  it('compares MACs by content', () => {
    expect(sameMac(bytes('02b1b1000001'), bytes('02b1b1000001'))).toBe(true);
    expect(sameMac(bytes('02b1b1000001'), bytes('02b1b1000002'))).toBe(false);
    expect(sameMac(bytes('02b1b1000001'), bytes('02b1b10000'))).toBe(false);
    expect(isUnicastMac(bytes('02b1b10000'))).toBe(false);
  });
});
