import { describe, expect, it } from 'vitest';
import type { Capability, OpenMessage } from '../wire/messages.js';
import { type LocalSession, localOpen, negotiate, negotiatedKeepalive } from './negotiate.js';

const local: LocalSession = {
  myAsn: 64512,
  peerAsn: 64513,
  holdTimeS: 90,
  bgpId: 0xc612000b,
  families: ['IPv4', 'IPv6'],
  gracefulRestartS: 120,
};
const open = (over: Partial<OpenMessage> = {}, caps?: Capability[]): OpenMessage => ({
  type: 'open',
  version: 4,
  myAs: 64513,
  holdTimeS: 180,
  bgpId: 0xc61200fa,
  capabilities: caps ?? [
    { kind: 'multiprotocol', afi: 1, safi: 1 },
    { kind: 'multiprotocol', afi: 2, safi: 1 },
    { kind: 'four-octet-as', asn: 64513 },
  ],
  ...over,
});

describe('negotiate', () => {
  it.each<{ name: string; l?: Partial<LocalSession>; peer: OpenMessage; want: unknown }>([
    {
      name: 'the smaller hold time, a third of it for keepalives, both families',
      peer: open(),
      want: { ok: true, hold: 90, keepalive: 30, as4: true, families: ['IPv4', 'IPv6'] },
    },
    {
      name: 'hold time 0 on either side: no keepalives',
      peer: open({ holdTimeS: 0 }),
      want: { ok: true, hold: 0, keepalive: 0, as4: true, families: ['IPv4', 'IPv6'] },
    },
    {
      name: 'a peer naming no family speaks IPv4 unicast (RFC 4760 §8), 2-octet AS',
      peer: open({}, []),
      want: { ok: true, hold: 90, keepalive: 30, as4: false, families: ['IPv4'] },
    },
    {
      name: 'a 4-octet peer ASN arrives in the capability, AS_TRANS in My AS',
      l: { peerAsn: 4200000000 },
      peer: open({ myAs: 23456 }, [{ kind: 'four-octet-as', asn: 4200000000 }]),
      want: { ok: true, hold: 90, keepalive: 30, as4: true, families: ['IPv4'] },
    },
    {
      name: 'wrong peer AS: Bad Peer AS with the AS it sent',
      peer: open({ myAs: 65000 }, [{ kind: 'four-octet-as', asn: 65000 }]),
      want: { ok: false, subcode: 2, data: 'fde8', reason: /peer AS 65000, configured 64513/ },
    },
    {
      name: 'dynamicASN external: any AS but ours, learned from the OPEN',
      l: { peerAsn: 'external' },
      peer: open({ myAs: 65000 }, [{ kind: 'four-octet-as', asn: 65000 }]),
      want: { ok: true, hold: 90, keepalive: 30, as4: true, families: ['IPv4'], peerAsn: 65000 },
    },
    {
      name: 'dynamicASN external: a 4-octet AS behind AS_TRANS',
      l: { peerAsn: 'external' },
      peer: open({ myAs: 23456 }, [{ kind: 'four-octet-as', asn: 4200000001 }]),
      want: { ok: true, hold: 90, keepalive: 30, as4: true, families: ['IPv4'], peerAsn: 4200000001 },
    },
    {
      name: 'dynamicASN external: a peer in our own AS is refused with Bad Peer AS',
      l: { peerAsn: 'external' },
      peer: open({ myAs: 64512 }, [{ kind: 'four-octet-as', asn: 64512 }]),
      want: { ok: false, subcode: 2, data: 'fc00', reason: /64512 is ours, and dynamicASN is external/ },
    },
    {
      name: 'dynamicASN external: AS_TRANS without the capability is refused',
      l: { peerAsn: 'external' },
      peer: open({ myAs: 23456 }, []),
      want: { ok: false, subcode: 2, data: '', reason: /AS_TRANS without/ },
    },
    {
      name: 'a configured keepalive under a third of the agreed hold time is kept',
      l: { keepaliveS: 10 },
      peer: open(),
      want: { ok: true, hold: 90, keepalive: 10, as4: true, families: ['IPv4', 'IPv6'] },
    },
    {
      name: 'a configured keepalive over a third of a shorter agreed hold time is cut to that third',
      l: { keepaliveS: 30 },
      peer: open({ holdTimeS: 9 }),
      want: { ok: true, hold: 9, keepalive: 3, as4: true, families: ['IPv4', 'IPv6'] },
    },
    {
      name: 'iBGP peer with our identifier',
      l: { peerAsn: 64512 },
      peer: open({ myAs: 64512, bgpId: 0xc612000b }, [{ kind: 'four-octet-as', asn: 64512 }]),
      want: { ok: false, subcode: 3, data: '', reason: /our BGP identifier/ },
    },
    {
      name: 'no family in common',
      l: { families: ['IPv6'] },
      peer: open({}, [{ kind: 'multiprotocol', afi: 1, safi: 1 }]),
      want: { ok: false, subcode: 7, data: '010400020001', reason: /no address family/ },
    },
  ])('$name', ({ l, peer, want }) => {
    const n = negotiate({ ...local, ...l }, peer);
    expect(
      n.ok
        ? {
            ok: true,
            hold: n.session.holdTimeS,
            keepalive: n.session.keepaliveS,
            as4: n.session.fourOctetAs,
            families: n.session.families,
            ...(l?.peerAsn === 'external' ? { peerAsn: n.session.peerAsn } : {}),
          }
        : {
            ok: false,
            subcode: n.notification.subcode,
            data: Buffer.from(n.notification.data).toString('hex'),
            reason: n.reason,
          },
    ).toEqual(
      want && typeof want === 'object' && 'reason' in want
        ? { ...want, reason: expect.stringMatching((want as { reason: RegExp }).reason) }
        : want,
    );
    if (!n.ok) expect(n.notification.code).toBe(2);
  });

  it("keeps the peer's graceful restart time", () => {
    const n = negotiate(
      local,
      open({}, [
        { kind: 'four-octet-as', asn: 64513 },
        { kind: 'graceful-restart', restarting: false, restartTimeS: 300, families: [] },
      ]),
    );
    expect(n.ok && n.session.peerGracefulRestart).toEqual({ restartTimeS: 300, restarting: false });
  });
});

describe('negotiatedKeepalive', () => {
  it.each<[number | undefined, number, number]>([
    [undefined, 90, 30],
    [undefined, 3, 1],
    [undefined, 4, 1],
    [10, 90, 10],
    [60, 90, 30],
    [30, 9, 3],
    [0, 90, 30],
    [30, 0, 0],
    [undefined, 0, 0],
  ])('configured %s s, hold time %i s: every %i s', (configured, hold, want) => {
    expect(negotiatedKeepalive(configured, hold)).toBe(want);
  });
});

describe('localOpen', () => {
  it('offers both families, route refresh, graceful restart and the 4-octet AS', () => {
    expect(localOpen({ ...local, myAsn: 4200000000 }, true)).toEqual({
      type: 'open',
      version: 4,
      myAs: 4200000000,
      holdTimeS: 90,
      bgpId: 0xc612000b,
      capabilities: [
        { kind: 'multiprotocol', afi: 1, safi: 1 },
        { kind: 'multiprotocol', afi: 2, safi: 1 },
        { kind: 'route-refresh' },
        {
          kind: 'graceful-restart',
          restarting: true,
          restartTimeS: 120,
          families: [
            { afi: 1, safi: 1, forwardingPreserved: true },
            { afi: 2, safi: 1, forwardingPreserved: true },
          ],
        },
        { kind: 'four-octet-as', asn: 4200000000 },
      ],
    });
  });
  it('leaves graceful restart out when it is off', () => {
    expect(localOpen({ ...local, gracefulRestartS: 0 }, false).capabilities.map((c) => c.kind)).toEqual([
      'multiprotocol',
      'multiprotocol',
      'route-refresh',
      'four-octet-as',
    ]);
  });
});
