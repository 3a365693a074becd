import fc from 'fast-check';
import { collapseIPv6Number, IPv4, IPv6, Validator } from 'ip-num';
import { describe, expect, it } from 'vitest';
import { compareAddress, formatAddress, parseAddress } from './address.js';
import { formatRange, parseRange, rangeContains, rangeSize, rangesOverlap } from './range.js';

describe('parseAddress / formatAddress', () => {
  it.each([
    { text: '198.18.0.1', family: 'IPv4', value: 0xc6120001n, canon: '198.18.0.1' },
    { text: ' 198.18.0.1 ', family: 'IPv4', value: 0xc6120001n, canon: '198.18.0.1' },
    // The ends of the range: the high octet must not come out signed.
    { text: '0.0.0.0', family: 'IPv4', value: 0n, canon: '0.0.0.0' },
    { text: '255.255.255.255', family: 'IPv4', value: 0xffffffffn, canon: '255.255.255.255' },
    { text: '128.1.2.254', family: 'IPv4', value: 0x800102fen, canon: '128.1.2.254' },
    { text: '2001:DB8::1', family: 'IPv6', value: (0x20010db8n << 96n) | 1n, canon: '2001:db8::1' },
    {
      text: '2001:db8:0:0:1:0:0:1',
      family: 'IPv6',
      value: (0x20010db8n << 96n) | (1n << 48n) | 1n,
      canon: '2001:db8::1:0:0:1',
    },
    { text: '::', family: 'IPv6', value: 0n, canon: '::' },
  ])('$text', ({ text, family, value, canon }) => {
    const a = parseAddress(text);
    expect(a).toEqual({ family, value });
    expect(a && formatAddress(a)).toBe(canon);
  });
  it.each([
    '',
    '1.2.3',
    '1.2.3.256',
    '010.0.0.1',
    '198.18.0.1/32',
    'fe80::1%eth0',
    '::ffff:198.18.0.1',
    'x',
    '1::2::3',
  ])('refuses %j', (text) => {
    expect(parseAddress(text)).toBeUndefined();
  });
  it('orders IPv4 before IPv6, then by value', () => {
    const list = ['2001:db8::1', '198.18.0.2', '198.18.0.1']
      .map((t) => parseAddress(t))
      .filter((a) => a !== undefined);
    expect(list.sort(compareAddress).map(formatAddress)).toEqual(['198.18.0.1', '198.18.0.2', '2001:db8::1']);
  });
});

describe('parseRange', () => {
  it.each([
    { text: '198.18.0.0/24', size: 256n, canon: '198.18.0.0/24' },
    { text: '198.18.0.10-198.18.0.20', size: 11n, canon: '198.18.0.10-198.18.0.20' },
    { text: '198.18.0.10 - 198.18.0.10', size: 1n, canon: '198.18.0.10/32' },
    { text: '198.18.0.0-198.18.0.255', size: 256n, canon: '198.18.0.0/24' },
    { text: '2001:db8::/64', size: 1n << 64n, canon: '2001:db8::/64' },
    { text: '198.0.0.0/8', size: 1n << 24n, canon: '198.0.0.0/8' },
  ])('$text', ({ text, size, canon }) => {
    const r = parseRange(text);
    if (!r.ok) throw new Error(r.reason);
    expect(rangeSize(r.range)).toBe(size);
    expect(formatRange(r.range)).toBe(canon);
  });
  it.each([
    { text: '198.18.0.20-198.18.0.10', reason: 'range start after end' },
    { text: '198.18.0.1/24', reason: 'host bits set (did you mean 198.18.0.0/24?)' },
    { text: '198.18.0.0/33', reason: 'longer than 32 bits' },
    { text: '198.18.0.0/024', reason: 'no valid prefix length' },
    { text: '198.18.0.1-2001:db8::1', reason: 'different families' },
    { text: 'x-198.18.0.1', reason: 'range start "x" is not an IP address' },
    { text: '198.18.0.1', reason: 'neither a CIDR nor a start-end range' },
    { text: '', reason: 'empty address' },
  ])('refuses $text: $reason', ({ text, reason }) => {
    const r = parseRange(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
  it('contains and overlaps within one family only', () => {
    const a = parseRange('198.18.0.0/24');
    const b = parseRange('198.18.0.200-198.18.1.5');
    const v6 = parseRange('::/120');
    if (!a.ok || !b.ok || !v6.ok) throw new Error('parse');
    expect(rangesOverlap(a.range, b.range)).toBe(true);
    expect(rangesOverlap(a.range, v6.range)).toBe(false);
    expect(rangeContains(a.range, { family: 'IPv4', value: 0xc61200ffn })).toBe(true);
    expect(rangeContains(a.range, { family: 'IPv6', value: 0xc61200ffn })).toBe(false);
  });
});

describe('parseAddress / formatAddress agree with ip-num (the library they replace)', () => {
  const group = fc.integer({ min: 0, max: 0xffff });
  // Addresses with runs of zero groups, where compression has choices to make.
  const groups = fc.array(fc.oneof(group, fc.constant(0), fc.constant(0)), { minLength: 8, maxLength: 8 });
  it('formats every IPv6 address as ip-num does (RFC 5952) and parses it back', () => {
    fc.assert(
      fc.property(groups, (gs) => {
        const value = gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n);
        const text = formatAddress({ family: 'IPv6', value });
        expect(text).toBe(collapseIPv6Number(new IPv6(value).toString()).toLowerCase());
        expect(parseAddress(text)).toEqual({ family: 'IPv6', value });
        // The uncompressed, upper-case form parses to the same.
        expect(parseAddress(gs.map((g) => g.toString(16).toUpperCase()).join(':'))?.value).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });
  it('parses IPv4 as ip-num does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), (o) => {
        const text = o.join('.');
        expect(parseAddress(text)?.value).toBe(IPv4.fromString(text).getValue());
      }),
    );
  });
  it('accepts and refuses the same strings as ip-num', () => {
    const chars = fc.constantFrom(...'0123456789abcdefABCDEF:.'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 24 }), (s) => {
        const ours = parseAddress(s);
        const v6 = s.includes(':') && !s.includes('.');
        const theirs = v6
          ? Validator.isValidIPv6String(s)[0]
          : !/(^|\.)0\d/.test(s) && Validator.isValidIPv4String(s)[0];
        expect(ours !== undefined).toBe(s.trim() !== '' && theirs);
      }),
      { numRuns: 5_000 },
    );
  });
});
