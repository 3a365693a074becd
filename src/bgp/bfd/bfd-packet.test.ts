import { describe, expect, it } from 'vitest';
import { type BfdPacket, decodeBfd, encodeBfd } from './bfd-packet.js';

const packet: BfdPacket = {
  diag: 0,
  state: 'Up',
  poll: true,
  final: false,
  detectMult: 3,
  myDiscr: 0x01020304,
  yourDiscr: 7,
  desiredMinTxUs: 100_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 0,
};

describe('BFD control packets', () => {
  it('encodes the fixed 24-byte section as RFC 5880 §4.1 lays it out', () => {
    const b = encodeBfd(packet);
    expect([...b.subarray(0, 8)]).toEqual([0x20, 0xe0, 3, 24, 1, 2, 3, 4]);
    expect(decodeBfd(b)).toEqual({ ok: true, packet });
  });

  const bytes = (edit: (b: Uint8Array) => void) => {
    const b = encodeBfd(packet);
    edit(b);
    return b;
  };
  it.each([
    { name: 'short', b: encodeBfd(packet).subarray(0, 23), reason: /under 24/ },
    {
      name: 'version 2',
      b: bytes((b) => {
        b[0] = 0x40;
      }),
      reason: /version 2/,
    },
    {
      name: 'length past the datagram',
      b: bytes((b) => {
        b[3] = 48;
      }),
      reason: /length field 48/,
    },
    {
      name: 'authentication',
      b: bytes((b) => {
        b[1] = 0xe4;
      }),
      reason: /authentication/,
    },
    {
      name: 'multipoint',
      b: bytes((b) => {
        b[1] = 0xe1;
      }),
      reason: /multipoint/,
    },
    {
      name: 'detect multiplier 0',
      b: bytes((b) => {
        b[2] = 0;
      }),
      reason: /multiplier 0/,
    },
    {
      name: 'My Discriminator 0',
      b: bytes((b) => {
        b.fill(0, 4, 8);
      }),
      reason: /My Discriminator 0/,
    },
    {
      name: 'Your Discriminator 0 while Up',
      b: bytes((b) => {
        b.fill(0, 8, 12);
      }),
      reason: /Your Discriminator 0 in state Up/,
    },
  ])('refuses $name', ({ b, reason }) => {
    const r = decodeBfd(b);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('accepts Your Discriminator 0 from a peer that is Down (it has not heard us yet)', () => {
    expect(decodeBfd(encodeBfd({ ...packet, state: 'Down', yourDiscr: 0 })).ok).toBe(true);
  });
});
