import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decoded, decodeMessage, encodeMessage, nextFrame } from './codec.js';
import type { BgpMessage, WireContext } from './messages.js';
import type { Prefix } from './prefix.js';
import { addr, SAMPLE_MESSAGES } from './samples.test-support.js';

const AS4: WireContext = { fourOctetAs: true };
const AS2: WireContext = { fourOctetAs: false };
const ip = addr;
const pfx = (s: string): Prefix => {
  const [a = '', l = ''] = s.split('/');
  return { address: ip(a), length: Number(l) };
};
const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const MARKER = 'ff'.repeat(16);

/** Decodes one whole message through the framer, as a session would. */
function decode(bytes: Uint8Array, ctx: WireContext = AS4): Decoded {
  const f = nextFrame(bytes);
  if (f.kind === 'error') return { ok: false, error: f.error };
  if (f.kind === 'incomplete') throw new Error('incomplete');
  return decodeMessage(f.bytes, ctx);
}

describe('encodeMessage: bytes as RFC 4271 lays them out', () => {
  it.each<{ name: string; m: BgpMessage; ctx?: WireContext; want: string }>([
    { name: 'KEEPALIVE', m: { type: 'keepalive' }, want: `${MARKER} 0013 04` },
    {
      name: 'OPEN, AS 64512, hold 90 s, 4-octet AS capability',
      m: {
        type: 'open',
        version: 4,
        myAs: 64512,
        holdTimeS: 90,
        bgpId: 0xc612000b,
        capabilities: [{ kind: 'four-octet-as', asn: 64512 }],
      },
      want: `${MARKER} 0025 01 04 fc00 005a c612000b 08 02 06 41 04 0000fc00`,
    },
    {
      name: 'OPEN with a 4-octet ASN puts AS_TRANS in My AS',
      m: {
        type: 'open',
        version: 4,
        myAs: 4200000000,
        holdTimeS: 0,
        bgpId: 1,
        capabilities: [{ kind: 'four-octet-as', asn: 4200000000 }],
      },
      want: `${MARKER} 0025 01 04 5ba0 0000 00000001 08 02 06 41 04 fa56ea00`,
    },
    {
      name: 'UPDATE announcing 198.18.1.10/32 from AS 64512 via 198.18.0.11',
      m: {
        type: 'update',
        withdrawn: [],
        attributes: {
          origin: 0,
          asPath: [{ type: 2, asns: [64512] }],
          nextHop: ip('198.18.0.11'),
        },
        nlri: [pfx('198.18.1.10/32')],
      },
      want: `${MARKER} 0030 02 0000 0014 400101 00 400206 0201 0000fc00 400304 c612000b 20 c612010a`,
    },
    {
      name: 'the same to a 2-octet peer: 2-octet AS_PATH',
      ctx: AS2,
      m: {
        type: 'update',
        withdrawn: [],
        attributes: { origin: 0, asPath: [{ type: 2, asns: [64512] }], nextHop: ip('198.18.0.11') },
        nlri: [pfx('198.18.1.10/32')],
      },
      want: `${MARKER} 002e 02 0000 0012 400101 00 400204 0201 fc00 400304 c612000b 20 c612010a`,
    },
    {
      name: 'IPv4 End-of-RIB: an empty UPDATE',
      m: { type: 'update', withdrawn: [], attributes: {}, nlri: [] },
      want: `${MARKER} 0017 02 0000 0000`,
    },
    {
      name: 'IPv6 End-of-RIB: an UPDATE with an empty MP_UNREACH_NLRI for IPv6 unicast',
      m: {
        type: 'update',
        withdrawn: [],
        attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [] } },
        nlri: [],
      },
      want: `${MARKER} 001d 02 0000 0006 800f03 0002 01`,
    },
    {
      name: 'withdrawing a /24 takes three address bytes',
      m: { type: 'update', withdrawn: [pfx('198.18.1.0/24')], attributes: {}, nlri: [] },
      want: `${MARKER} 001b 02 0004 18c61201 0000`,
    },
    {
      name: 'NOTIFICATION Cease / administrative shutdown',
      m: { type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) },
      want: `${MARKER} 0015 03 06 02`,
    },
  ])('$name', ({ m, ctx, want }) => {
    expect(Buffer.from(encodeMessage(m, ctx ?? AS4)).toString('hex')).toBe(want.replace(/\s+/g, ''));
  });

  it('refuses a message over 4,096 bytes', () => {
    const nlri = Array.from({ length: 900 }, (_, i) => pfx(`198.18.${i >> 8}.${i & 255}/32`));
    expect(() =>
      encodeMessage({ type: 'update', withdrawn: [], attributes: { origin: 0 }, nlri }, AS4),
    ).toThrow(RangeError);
  });
});

describe('encode then decode gives the message back', () => {
  it.each(SAMPLE_MESSAGES.map((m) => ({ name: m.type, m })))('$name', ({ m }) => {
    expect(decode(encodeMessage(m, AS4), AS4)).toEqual({ ok: true, message: m, withdrawReasons: [] });
  });

  it('aggregator, AS_SET and a default route, 2-octet peer', () => {
    const m: BgpMessage = {
      type: 'update',
      withdrawn: [],
      attributes: {
        origin: 2,
        asPath: [{ type: 1, asns: [1, 2] }],
        nextHop: ip('198.18.0.1'),
        atomicAggregate: true,
        aggregator: { asn: 65001, address: ip('198.18.0.1') },
      },
      nlri: [pfx('0.0.0.0/0')],
    };
    expect(decode(encodeMessage(m, AS2), AS2)).toEqual({ ok: true, message: m, withdrawReasons: [] });
  });

  it('a 2-octet peer gets AS_TRANS in AS_PATH and the real path in AS4_PATH', () => {
    const m: BgpMessage = {
      type: 'update',
      withdrawn: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [4200000000] }], nextHop: ip('198.18.0.11') },
      nlri: [pfx('198.18.1.10/32')],
    };
    const d = decode(encodeMessage(m, AS2), AS2);
    expect(d.ok && d.message.type === 'update' && d.message.attributes).toEqual({
      origin: 0,
      asPath: [{ type: 2, asns: [23456] }],
      nextHop: ip('198.18.0.11'),
      other: [{ flags: 0xc0, code: 17, value: hex('0201 fa56ea00') }],
    });
  });
});

/** An UPDATE's body around one raw attribute (hex), with an IPv4 NLRI unless told otherwise. */
const updateWith = (attrs: string, nlri = '20c612010a') => {
  const a = hex(attrs);
  const n = hex(nlri);
  const len = 19 + 4 + a.length + n.length;
  return hex(
    `${MARKER} ${len.toString(16).padStart(4, '0')} 02 0000 ${a.length.toString(16).padStart(4, '0')} ${attrs} ${nlri}`,
  );
};
const GOOD = '400101 00 400206 0201 0000fc00 400304 c612000b';

describe('decoding failures name the NOTIFICATION (code/subcode, data)', () => {
  it.each<{ name: string; bytes: Uint8Array; want: [number, number, string] }>([
    { name: 'marker not all ones', bytes: hex(`${'ff'.repeat(15)}fe 0013 04`), want: [1, 1, ''] },
    { name: 'length below 19', bytes: hex(`${MARKER} 0012 04`), want: [1, 2, '0012'] },
    { name: 'length above 4,096', bytes: hex(`${MARKER} 1001 02`), want: [1, 2, '1001'] },
    { name: 'unknown message type', bytes: hex(`${MARKER} 0013 09`), want: [1, 3, '09'] },
    { name: 'KEEPALIVE with a body', bytes: hex(`${MARKER} 0014 04 00`), want: [1, 2, '0014'] },
    {
      name: 'OPEN shorter than 29',
      bytes: hex(`${MARKER} 001c 01 04fc00005ac612000b`),
      want: [1, 2, '001c'],
    },
    {
      name: 'OPEN version 3',
      bytes: hex(`${MARKER} 001d 01 03 fc00 005a c612000b 00`),
      want: [2, 1, '0004'],
    },
    {
      name: 'OPEN hold time 2 s',
      bytes: hex(`${MARKER} 001d 01 04 fc00 0002 c612000b 00`),
      want: [2, 6, ''],
    },
    { name: 'OPEN identifier 0', bytes: hex(`${MARKER} 001d 01 04 fc00 005a 00000000 00`), want: [2, 3, ''] },
    {
      name: 'OPEN optional parameter other than capabilities',
      bytes: hex(`${MARKER} 001f 01 04 fc00 005a c612000b 02 0100`),
      want: [2, 4, ''],
    },
    {
      name: 'OPEN parameters length disagreeing with the message',
      bytes: hex(`${MARKER} 001f 01 04 fc00 005a c612000b 05 0200`),
      want: [2, 0, ''],
    },
    {
      name: 'OPEN capability running past its parameter',
      bytes: hex(`${MARKER} 0021 01 04 fc00 005a c612000b 04 0202 4104`),
      want: [2, 0, ''],
    },
    {
      name: 'UPDATE withdrawn length past the message',
      bytes: hex(`${MARKER} 0017 02 0005 0000`),
      want: [3, 1, ''],
    },
    {
      name: 'UPDATE attribute running past the attributes',
      bytes: updateWith('400101 00 400210 0201'),
      want: [3, 1, ''],
    },
    { name: 'UPDATE prefix length 33', bytes: updateWith(GOOD, '21c612010a00'), want: [3, 10, ''] },
    { name: 'UPDATE prefix bytes past the field', bytes: updateWith(GOOD, '20c61201'), want: [3, 10, ''] },
    {
      name: 'UPDATE unrecognised well-known attribute',
      bytes: updateWith(`${GOOD} 406301 07`),
      want: [3, 2, '07'],
    },
    {
      name: 'UPDATE with MP_REACH_NLRI twice',
      bytes: updateWith('800e09 0001 01 04 c612000b 00 800e09 0001 01 04 c612000b 00', ''),
      want: [3, 1, ''],
    },
    {
      name: 'UPDATE MP_REACH_NLRI with a 5-byte IPv6 next hop',
      bytes: updateWith(`${GOOD} 800e0a 0002 01 05 0102030405 00`, ''),
      want: [3, 9, ''],
    },
  ])('$name', ({ bytes, want }) => {
    const d = decode(bytes);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect([d.error.code, d.error.subcode, Buffer.from(d.error.data).toString('hex')]).toEqual(want);
  });
});

describe('malformed attributes that withdraw the routes instead (RFC 7606)', () => {
  it.each<{ name: string; attrs: string; reason: RegExp }>([
    { name: 'ORIGIN 5', attrs: '400101 05 400206 0201 0000fc00 400304 c612000b', reason: /ORIGIN 5/ },
    { name: 'no NEXT_HOP', attrs: '400101 00 400206 0201 0000fc00', reason: /no NEXT_HOP/ },
    {
      name: 'ORIGIN flagged optional',
      attrs: `c00101 00 400206 0201 0000fc00 400304 c612000b`,
      reason: /flags/,
    },
    { name: 'COMMUNITIES of 3 bytes', attrs: `${GOOD} c00803 010203`, reason: /COMMUNITIES/ },
    {
      name: 'AS_PATH segment type 9',
      attrs: '400101 00 400206 0901 0000fc00 400304 c612000b',
      reason: /segment type 9/,
    },
    {
      name: 'NEXT_HOP of 5 bytes',
      attrs: '400101 00 400206 0201 0000fc00 400305 c612000b01',
      reason: /NEXT_HOP/,
    },
  ])('$name', ({ attrs, reason }) => {
    const d = decode(updateWith(attrs));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.withdrawReasons.join('; ')).toMatch(reason);
  });

  it('a repeated attribute other than MP_* is discarded, the first kept', () => {
    const d = decode(updateWith(`${GOOD} 400101 02`));
    expect(d.ok && d.message.type === 'update' && d.message.attributes.origin).toBe(0);
    expect(d.ok && d.withdrawReasons).toEqual([]);
  });
});

describe('nextFrame', () => {
  const ka = encodeMessage({ type: 'keepalive' }, AS4);
  it.each<{ name: string; bytes: Uint8Array; want: string }>([
    { name: 'nothing yet', bytes: new Uint8Array(0), want: 'incomplete' },
    { name: 'a header without its body', bytes: updateWith(GOOD).subarray(0, 30), want: 'incomplete' },
    { name: 'one whole message', bytes: ka, want: 'message:0' },
    {
      name: 'a message and the start of the next',
      bytes: Uint8Array.from([...ka, 0xff, 0xff]),
      want: 'message:2',
    },
  ])('$name', ({ bytes, want }) => {
    const f = nextFrame(bytes);
    expect(f.kind === 'message' ? `message:${f.rest.length}` : f.kind).toBe(want);
  });
});

/**
 * The decoder never throws, whatever arrives: random frames, and valid messages with bytes flipped,
 * cut or repeated. (`npm run fuzz:bgp` runs a million of each kind; this is the quick version.)
 */
describe('decoder robustness', () => {
  const valid = SAMPLE_MESSAGES.map((m) => encodeMessage(m, AS4));
  const run = (bytes: Uint8Array, ctx: WireContext) => {
    const f = nextFrame(bytes);
    if (f.kind === 'message') decodeMessage(f.bytes, ctx);
  };
  it('random bodies behind a valid header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        (type, b, as4) => {
          const len = 19 + b.length;
          run(Uint8Array.from([...hex(MARKER), len >> 8, len & 255, type, ...b]), { fourOctetAs: as4 });
        },
      ),
      { numRuns: 20_000 },
    );
  });
  it('valid messages with bytes changed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valid.filter((v) => v.length > 19)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (m, edits) => {
          const b = Uint8Array.from(m);
          // Bytes past the header only, so most mutants reach the body decoders.
          for (const [at, v] of edits) b[19 + (at % (b.length - 19))] = v;
          run(b, AS4);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
