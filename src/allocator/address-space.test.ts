import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../net/address.js';
import { EVERY_ADDRESS, isEdgeOctet, WITHOUT_EDGE_OCTETS } from './address-space.js';

const v4 = (t: string) => parseAddress(t)?.value ?? -1n;

describe('WITHOUT_EDGE_OCTETS (avoidBuggyIPs)', () => {
  it.each([
    { ip: '0.0.0.0', index: undefined },
    { ip: '0.0.0.1', index: 0n },
    { ip: '0.0.0.254', index: 253n },
    { ip: '0.0.0.255', index: undefined },
    { ip: '0.0.1.0', index: undefined },
    { ip: '0.0.1.1', index: 254n },
    { ip: '198.18.3.7', index: (198n * 65536n + 18n * 256n + 3n) * 254n + 6n },
  ])('$ip has index $index', ({ ip, index }) => {
    expect(WITHOUT_EDGE_OCTETS.indexOf(v4(ip))).toBe(index);
    if (index !== undefined) expect(WITHOUT_EDGE_OCTETS.valueAt(index)).toBe(v4(ip));
  });

  it.each([
    { range: ['198.18.0.0', '198.18.0.255'], count: 254n },
    { range: ['198.18.0.0', '198.18.3.255'], count: 4n * 254n },
    { range: ['198.18.0.255', '198.18.1.0'], count: 0n },
    { range: ['198.18.0.255', '198.18.1.1'], count: 1n },
    { range: ['198.18.0.254', '198.18.1.0'], count: 1n },
    { range: ['198.18.0.0', '198.18.0.0'], count: 0n },
    { range: ['198.18.0.10', '198.18.0.20'], count: 11n },
    { range: ['0.0.0.0', '0.0.0.0'], count: 0n },
  ])('span $range holds $count usable addresses', ({ range, count }) => {
    const span = WITHOUT_EDGE_OCTETS.span(v4(range[0] ?? ''), v4(range[1] ?? ''));
    expect(span ? span[1] - span[0] + 1n : 0n).toBe(count);
  });

  it('numbers usable addresses densely and in order (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 32n) - 2n }), (v) => {
        const i = WITHOUT_EDGE_OCTETS.indexOf(v);
        expect(i === undefined).toBe(isEdgeOctet(v));
        if (i === undefined) return;
        expect(WITHOUT_EDGE_OCTETS.valueAt(i)).toBe(v);
        // The next index is the next usable address: never an edge octet, never a gap.
        const next = WITHOUT_EDGE_OCTETS.valueAt(i + 1n);
        expect(isEdgeOctet(next)).toBe(false);
        expect(next - v).toBe((v & 0xffn) === 254n ? 3n : 1n);
      }),
    );
  });

  it('EVERY_ADDRESS is the identity', () => {
    expect(EVERY_ADDRESS.indexOf(255n)).toBe(255n);
    expect(EVERY_ADDRESS.span(3n, 2n)).toBeUndefined();
  });
});
