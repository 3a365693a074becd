import { describe, expect, it } from 'vitest';
import { buildBgpConfig } from '../config/index.js';
import { inlinePassword } from './peer-password.js';
import { sessionSettings } from './session-settings.js';

const peerOf = (spec: Record<string, unknown>, profiles: unknown[] = []) => {
  const c = buildBgpConfig(
    {
      peers: [
        {
          metadata: { name: 'p' },
          spec: { myASN: 64512, peerASN: 64513, peerAddress: '198.18.0.240', ...spec },
        },
      ],
      advertisements: [],
      bfdProfiles: profiles,
      communities: [],
    },
    new Set(),
  );
  const p = c.peers.get('p');
  if (!p) throw new Error(JSON.stringify(c.errors));
  return p;
};
const node = { IPv4: '198.18.0.11', IPv6: '2001:db8::11' };

describe('sessionSettings', () => {
  it.each([
    {
      name: 'eBGP over IPv4 from the node address, router ID from it, GR off',
      spec: {},
      want: {
        local: {
          myAsn: 64512,
          peerAsn: 64513,
          holdTimeS: 90,
          bgpId: 0xc612000b,
          families: ['IPv4'],
          gracefulRestartS: 0,
        },
        peerAddress: '198.18.0.240',
        peerPort: 179,
        localAddress: '198.18.0.11',
      },
    },
    {
      name: 'iBGP by dynamicASN internal; graceful restart; both families; source and router ID given',
      spec: {
        peerASN: 0,
        dynamicASN: 'internal',
        enableGracefulRestart: true,
        dualStackAddressFamily: true,
        sourceAddress: '198.18.0.99',
        routerID: '198.18.0.1',
        holdTime: '9s',
      },
      want: {
        local: {
          myAsn: 64512,
          peerAsn: 64512,
          holdTimeS: 9,
          bgpId: 0xc6120001,
          families: ['IPv4', 'IPv6'],
          gracefulRestartS: 120,
        },
        localAddress: '198.18.0.99',
      },
    },
    {
      name: 'an IPv6 peer from the node IPv6 address',
      spec: { peerAddress: '2001:db8::1' },
      want: { local: { families: ['IPv6'] }, localAddress: '2001:db8::11' },
    },
    {
      name: 'dynamicASN external: any AS but ours, from the OPEN',
      spec: { peerASN: 0, dynamicASN: 'external' },
      want: { local: { myAsn: 64512, peerAsn: 'external' } },
    },
    {
      name: 'a keepalive of its own and a fixed connect retry',
      spec: { holdTime: '9s', keepaliveTime: '1s', connectTime: '5s' },
      want: { local: { holdTimeS: 9, keepaliveS: 1, connectRetryS: 5 } },
    },
    {
      name: 'keepalive a third of the hold time by default; backoff without connectTime',
      spec: { holdTime: '30s' },
      want: { local: { holdTimeS: 30, keepaliveS: 10 } },
      absent: ['connectRetryS'],
    },
    {
      name: 'multi-hop needs nothing more',
      spec: { ebgpMultiHop: true },
      want: { peerAddress: '198.18.0.240' },
    },
  ])(
    '$name',
    ({ spec, want, absent }: { spec: Record<string, unknown>; want: object; absent?: string[] }) => {
      const r = sessionSettings(peerOf(spec), node, undefined, inlinePassword(peerOf(spec)));
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.settings).toMatchObject(want);
      for (const field of absent ?? []) expect(r.ok && field in r.settings.local).toBe(false);
    },
  );

  it.each([
    {
      name: 'a password Secret not looked up',
      spec: { passwordSecret: { name: 's' } },
      reason: /Secret s was not looked up/,
    },
    {
      name: 'BFD without the profile handed over',
      spec: { bfdProfile: 'fast' },
      profiles: [{ metadata: { name: 'fast' } }],
      reason: /BFDProfile fast was not given/,
    },
    {
      name: 'an IPv6 peer from a node without IPv6',
      spec: { peerAddress: '2001:db8::1' },
      node: { IPv4: '198.18.0.11' },
      reason: /no IPv6 address/,
    },
    {
      name: 'no IPv4 for the router ID',
      spec: { peerAddress: '2001:db8::1' },
      node: { IPv6: '2001:db8::11' },
      reason: /routerID/,
    },
  ])('refuses $name, saying so', ({ spec, profiles, node: n, reason }) => {
    const r = sessionSettings(
      peerOf(spec, profiles),
      n ?? node,
      undefined,
      inlinePassword(peerOf(spec, profiles)),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons.join('; ')).toMatch(reason);
  });

  const fast = (spec: Record<string, unknown> = {}) => ({
    metadata: { name: 'fast' },
    spec: { receiveInterval: 100, transmitInterval: 150, detectMultiplier: 4, ...spec },
  });
  it.each([
    {
      name: 'a BFD profile becomes the session`s BFD timers, in microseconds',
      spec: { bfdProfile: 'fast' },
      profile: fast(),
      want: { desiredMinTxUs: 150_000, requiredMinRxUs: 100_000, detectMult: 4, passive: false },
    },
    {
      name: 'passive mode',
      spec: { bfdProfile: 'fast' },
      profile: fast({ passiveMode: true }),
      want: { desiredMinTxUs: 150_000, requiredMinRxUs: 100_000, detectMult: 4, passive: true },
    },
    { name: 'no profile, no BFD', spec: {}, profile: undefined, want: undefined },
  ])('$name', ({ spec, profile, want }) => {
    const c = buildBgpConfig(
      {
        peers: [
          {
            metadata: { name: 'p' },
            spec: { myASN: 64512, peerASN: 64513, peerAddress: '198.18.0.240', ...spec },
          },
        ],
        advertisements: [],
        bfdProfiles: profile ? [profile] : [],
        communities: [],
      },
      new Set(),
    );
    const peer = c.peers.get('p');
    if (!peer) throw new Error(JSON.stringify(c.errors));
    const r = sessionSettings(
      peer,
      node,
      peer.bfdProfile ? c.bfdProfiles.get(peer.bfdProfile) : undefined,
      inlinePassword(peer),
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.settings.bfd).toEqual(want);
  });

  it.each([
    { name: 'echo mode', profile: fast({ echoMode: true }), peer: {}, reason: /echo mode/ },
    { name: 'BFD over several hops', profile: fast(), peer: { ebgpMultiHop: true }, reason: /several hops/ },
  ])('refuses BFD with $name', ({ profile, peer: extra, reason }) => {
    const peer = peerOf({ bfdProfile: 'fast', ...extra }, [profile]);
    const c = buildBgpConfig(
      { peers: [], advertisements: [], bfdProfiles: [profile], communities: [] },
      new Set(),
    );
    const r = sessionSettings(peer, node, c.bfdProfiles.get('fast'), inlinePassword(peer));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons.join('; ')).toMatch(reason);
  });

  it('the key changes with anything the session was opened with, and only then', () => {
    const key = (spec: Record<string, unknown>) => {
      const r = sessionSettings(peerOf(spec), node, undefined, inlinePassword(peerOf(spec)));
      return r.ok ? r.key : '';
    };
    expect(key({})).toBe(key({}));
    expect(key({ holdTime: '30s' })).not.toBe(key({}));
    expect(key({ peerPort: 1179 })).not.toBe(key({}));
    expect(key({ enableGracefulRestart: true })).not.toBe(key({}));
    expect(key({ password: 'a' })).not.toBe(key({}));
    expect(key({ password: 'a' })).not.toBe(key({ password: 'b' }));
    expect(key({ password: 'a' })).toBe(key({ password: 'a' }));
  });

  it('takes the password it is given, and the key never holds it', () => {
    const peer = peerOf({ passwordSecret: { name: 'bgp' } });
    const r = sessionSettings(peer, node, undefined, { ok: true, password: 'hunter2-bgp' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings.password).toBe('hunter2-bgp');
    expect(r.key).not.toContain('hunter2-bgp');
  });

  it('an inline password is used without a lookup', () => {
    const r = sessionSettings(
      peerOf({ password: 'inline' }),
      node,
      undefined,
      inlinePassword(peerOf({ password: 'inline' })),
    );
    expect(r.ok && r.settings.password).toBe('inline');
  });

  it('refuses a peer whose password could not be looked up, with the lookup reason', () => {
    const r = sessionSettings(peerOf({ passwordSecret: { name: 'bgp' } }), node, undefined, {
      ok: false,
      reason: 'passwordSecret: Secret barelb-system/bgp not found',
    });
    expect(r).toEqual({ ok: false, reasons: ['passwordSecret: Secret barelb-system/bgp not found'] });
  });
});
