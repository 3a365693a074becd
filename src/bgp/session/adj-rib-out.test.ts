import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, nextFrame } from '../wire/codec.js';
import type { UpdateMessage, WireContext } from '../wire/messages.js';
import { addr } from '../wire/samples.test-support.js';
import { endOfRib, packUpdates, prefixKey, type Route, ribDiff } from './adj-rib-out.js';

const ctx: WireContext = { fourOctetAs: true };
const route = (ip: string, over: Partial<Route> = {}): Route => ({
  prefix: { address: addr(ip), length: ip.includes(':') ? 128 : 32 },
  nextHop: addr(ip.includes(':') ? '2002:c612::b' : '198.18.0.11'),
  attributes: { origin: 0, asPath: [{ type: 2, asns: [64512] }] },
  ...over,
});
const rib = (...rs: Route[]) => new Map(rs.map((r) => [prefixKey(r.prefix), r]));

describe('ribDiff', () => {
  it.each<{ name: string; sent: Route[]; wanted: Route[]; announce: string[]; withdraw: string[] }>([
    {
      name: 'nothing sent yet',
      sent: [],
      wanted: [route('198.18.1.10')],
      announce: ['198.18.1.10/32'],
      withdraw: [],
    },
    {
      name: 'no change',
      sent: [route('198.18.1.10')],
      wanted: [route('198.18.1.10')],
      announce: [],
      withdraw: [],
    },
    {
      name: 'a changed attribute announces again (an implicit withdraw of the old path)',
      sent: [route('198.18.1.10')],
      wanted: [route('198.18.1.10', { attributes: { origin: 0, asPath: [], localPref: 200 } })],
      announce: ['198.18.1.10/32'],
      withdraw: [],
    },
    {
      name: 'a route no longer wanted is withdrawn',
      sent: [route('198.18.1.10'), route('2002:c612:1::a')],
      wanted: [route('198.18.1.10')],
      announce: [],
      withdraw: ['2002:c612:1::a/128'],
    },
  ])('$name', ({ sent, wanted, announce, withdraw }) => {
    const d = ribDiff(rib(...sent), rib(...wanted));
    expect(d.announce.map((r) => prefixKey(r.prefix))).toEqual(announce);
    expect(d.withdraw.map(prefixKey)).toEqual(withdraw);
  });
});

/** Every UPDATE through the real encoder and decoder. */
const roundTrip = (ms: UpdateMessage[]) =>
  ms.map((m) => {
    const bytes = encodeMessage(m, ctx);
    const f = nextFrame(bytes);
    if (f.kind !== 'message') throw new Error(f.kind);
    const d = decodeMessage(f.bytes, ctx);
    if (!d.ok || d.message.type !== 'update') throw new Error('not an update');
    return { size: bytes.length, m: d.message };
  });

describe('packUpdates', () => {
  it('1,000 IPv4 /32s with one set of attributes: full UPDATEs, none over 4,096 bytes, every prefix once', () => {
    const routes = Array.from({ length: 1000 }, (_, i) => route(`198.18.${8 + (i >> 8)}.${i & 255}`));
    const out = roundTrip(packUpdates(routes, [], ctx));
    expect(out.length).toBe(2);
    expect(Math.max(...out.map((o) => o.size))).toBeLessThanOrEqual(4096);
    expect(out.flatMap((o) => o.m.nlri.map(prefixKey))).toEqual(routes.map((r) => prefixKey(r.prefix)));
    expect(out[0]?.m.attributes).toEqual({ ...routes[0]?.attributes, nextHop: addr('198.18.0.11') });
  });

  it('withdrawals first; IPv6 in MP_UNREACH and MP_REACH; different attributes in different UPDATEs', () => {
    const out = roundTrip(
      packUpdates(
        [
          route('198.18.1.10'),
          route('198.18.1.11', { attributes: { origin: 0, asPath: [], med: 5 } }),
          route('2002:c612:1::a'),
        ],
        [
          { address: addr('2002:c612:1::b'), length: 128 },
          { address: addr('198.18.1.12'), length: 32 },
        ],
        ctx,
      ),
    ).map((o) => o.m);
    expect(out).toEqual([
      { type: 'update', withdrawn: [{ address: addr('198.18.1.12'), length: 32 }], attributes: {}, nlri: [] },
      {
        type: 'update',
        withdrawn: [],
        attributes: {
          mpUnreach: { afi: 2, safi: 1, withdrawn: [{ address: addr('2002:c612:1::b'), length: 128 }] },
        },
        nlri: [],
      },
      {
        type: 'update',
        withdrawn: [],
        attributes: { origin: 0, asPath: [{ type: 2, asns: [64512] }], nextHop: addr('198.18.0.11') },
        nlri: [{ address: addr('198.18.1.10'), length: 32 }],
      },
      {
        type: 'update',
        withdrawn: [],
        attributes: { origin: 0, asPath: [], med: 5, nextHop: addr('198.18.0.11') },
        nlri: [{ address: addr('198.18.1.11'), length: 32 }],
      },
      {
        type: 'update',
        withdrawn: [],
        attributes: {
          origin: 0,
          asPath: [{ type: 2, asns: [64512] }],
          mpReach: {
            afi: 2,
            safi: 1,
            nextHops: [addr('2002:c612::b')],
            nlri: [{ address: addr('2002:c612:1::a'), length: 128 }],
          },
        },
        nlri: [],
      },
    ]);
  });

  it('nothing to send: no UPDATE', () => {
    expect(packUpdates([], [], ctx)).toEqual([]);
  });
});

describe('endOfRib', () => {
  it.each([
    ['IPv4', 23],
    ['IPv6', 29],
  ] as const)('%s: %i bytes', (family, size) => {
    expect(encodeMessage(endOfRib(family), ctx).length).toBe(size);
  });
});
