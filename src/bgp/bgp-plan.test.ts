import { describe, expect, it } from 'vitest';
import { type BgpObjects, buildBgpConfig, buildConfig } from '../config/index.js';
import { formatAddress, parseAddress } from '../net/address.js';
import { type BgpService, planBgp, waitingPeers, wireRoute } from './bgp-plan.js';

const obj = (kind: string, name: string, spec: Record<string, unknown> = {}, labels = {}) => ({
  kind,
  metadata: { name, labels },
  spec,
});
const pools = buildConfig(
  [
    obj('IPAddressPool', 'lan', { addresses: ['198.18.5.0/24', '2001:db8:5::/64'] }, { tier: 'web' }),
    obj('IPAddressPool', 'dmz', { addresses: ['198.18.6.0/24'] }),
  ],
  [],
).pools;
const ebgp = obj('BGPPeer', 'edge', { myASN: 64512, peerASN: 64513, peerAddress: '198.18.0.240' });
const ibgp = obj('BGPPeer', 'core', { myASN: 64512, peerASN: 64512, peerAddress: '198.18.0.241' });
const rackA = obj('BGPPeer', 'tor-a', {
  myASN: 64512,
  peerASN: 64600,
  peerAddress: '198.18.0.242',
  nodeSelectors: [{ matchLabels: { rack: 'a' } }],
});
const none: BgpObjects = { peers: [], advertisements: [], bfdProfiles: [], communities: [] };
const config = (o: Partial<BgpObjects>) => {
  const c = buildBgpConfig({ ...none, ...o }, new Set(pools.keys()));
  expect(c.errors).toEqual([]);
  return c;
};
const svc = (key: string, ips: string[], servedHere = true, pool?: string): BgpService => ({
  key,
  ips,
  pool,
  servedHere,
});
const self = { name: 'n1', labels: { rack: 'b' }, healthy: true };

/** Per peer, its prefixes with what they carry, in a form a table can hold. */
const view = (routes: ReturnType<typeof planBgp>['routes']) =>
  Object.fromEntries(
    [...routes].map(([peer, table]) => [
      peer,
      Object.fromEntries(
        [...table].map(([k, r]) => [
          k,
          {
            localPref: r.localPref,
            communities: r.communities,
            large: r.largeCommunities,
            services: r.services,
          },
        ]),
      ),
    ]),
  );

describe('planBgp', () => {
  it.each([
    {
      name: 'every served IP to every peer, /32 and /128 by default; LOCAL_PREF only to iBGP',
      objects: { peers: [ebgp, ibgp], advertisements: [obj('BGPAdvertisement', 'all', { localPref: 200 })] },
      services: [svc('default/web', ['198.18.5.10', '2001:db8:5::10'])],
      want: {
        edge: {
          '198.18.5.10/32': { localPref: undefined, communities: [], large: [], services: ['default/web'] },
          '2001:db8:5::10/128': {
            localPref: undefined,
            communities: [],
            large: [],
            services: ['default/web'],
          },
        },
        core: {
          '198.18.5.10/32': { localPref: 200, communities: [], large: [], services: ['default/web'] },
          '2001:db8:5::10/128': { localPref: 200, communities: [], large: [], services: ['default/web'] },
        },
      },
    },
    {
      name: 'not served here (Local, no endpoint on this node): nothing, but the session stays',
      objects: { peers: [ebgp], advertisements: [obj('BGPAdvertisement', 'all')] },
      services: [svc('default/web', ['198.18.5.10'], false)],
      want: { edge: {} },
    },
    {
      name: 'a shared IP goes out only when this node serves every Service on it',
      objects: { peers: [ebgp], advertisements: [obj('BGPAdvertisement', 'all')] },
      services: [
        svc('default/http', ['198.18.5.10']),
        svc('default/https', ['198.18.5.10'], false),
        svc('default/dns', ['198.18.5.11']),
        svc('default/dns-tcp', ['198.18.5.11']),
      ],
      want: {
        edge: {
          '198.18.5.11/32': {
            localPref: undefined,
            communities: [],
            large: [],
            services: ['default/dns', 'default/dns-tcp'],
          },
        },
      },
    },
    {
      name: 'aggregation: two IPs under one /24, announced once',
      objects: { peers: [ebgp], advertisements: [obj('BGPAdvertisement', 'agg', { aggregationLength: 24 })] },
      services: [svc('default/a', ['198.18.5.10']), svc('default/b', ['198.18.5.77'])],
      want: {
        edge: {
          '198.18.5.0/24': {
            localPref: undefined,
            communities: [],
            large: [],
            services: ['default/a', 'default/b'],
          },
        },
      },
    },
    {
      name: 'two advertisements on one prefix: communities merged, highest LOCAL_PREF',
      objects: {
        peers: [ibgp],
        advertisements: [
          obj('BGPAdvertisement', 'a', { localPref: 100, communities: ['64512:2', 'large:1:2:3'] }),
          obj('BGPAdvertisement', 'b', { localPref: 300, communities: ['64512:1', '64512:2'] }),
        ],
      },
      services: [svc('default/web', ['198.18.5.10'])],
      want: {
        core: {
          '198.18.5.10/32': {
            localPref: 300,
            communities: [64512 * 65536 + 1, 64512 * 65536 + 2],
            large: [[1, 2, 3]],
            services: ['default/web'],
          },
        },
      },
    },
    {
      name: 'pools by name and by label; peers by name; advertisement node selectors',
      objects: {
        peers: [ebgp, ibgp],
        advertisements: [
          obj('BGPAdvertisement', 'web', {
            ipAddressPoolSelectors: [{ matchLabels: { tier: 'web' } }],
            peers: ['edge'],
          }),
          obj('BGPAdvertisement', 'dmz-rack-a', {
            ipAddressPools: ['dmz'],
            nodeSelectors: [{ matchLabels: { rack: 'a' } }],
          }),
        ],
      },
      services: [svc('default/web', ['198.18.5.10']), svc('default/dmz', ['198.18.6.10'], true, 'dmz')],
      want: {
        edge: {
          '198.18.5.10/32': { localPref: undefined, communities: [], large: [], services: ['default/web'] },
        },
        core: {},
      },
    },
    {
      name: 'a peer whose node selector does not pick this node: no session at all',
      objects: { peers: [rackA], advertisements: [obj('BGPAdvertisement', 'all')] },
      services: [svc('default/web', ['198.18.5.10'])],
      want: {},
    },
    {
      name: 'an IP outside every pool is never advertised',
      objects: { peers: [ebgp], advertisements: [obj('BGPAdvertisement', 'all')] },
      services: [svc('default/odd', ['198.18.9.9'])],
      want: { edge: {} },
    },
  ])('$name', ({ objects, services, want }) => {
    const plan = planBgp(self, config(objects), pools, services);
    expect(view(plan.routes)).toEqual(want);
    expect(plan.sessions.map((p) => p.name).sort()).toEqual(Object.keys(want).sort());
  });

  it('an unhealthy node keeps its sessions and withdraws everything', () => {
    const plan = planBgp(
      { ...self, healthy: false },
      config({ peers: [ebgp], advertisements: [obj('BGPAdvertisement', 'all')] }),
      pools,
      [svc('default/web', ['198.18.5.10'])],
    );
    expect(plan.sessions.map((p) => p.name)).toEqual(['edge']);
    expect(view(plan.routes)).toEqual({ edge: {} });
  });
});

describe('wireRoute', () => {
  const c = config({ peers: [ebgp, ibgp] });
  const intent = {
    prefix: { address: parseAddress('198.18.5.10') ?? { family: 'IPv4' as const, value: 0n }, length: 32 },
    localPref: undefined,
    communities: [1],
    largeCommunities: [],
    services: ['default/web'],
  };
  const nextHop = parseAddress('198.18.0.11') ?? intent.prefix.address;
  it.each([
    { peer: 'edge', want: { origin: 0, asPath: [{ type: 2, asns: [64512] }], communities: [1] } },
    { peer: 'core', want: { origin: 0, asPath: [], localPref: 100, communities: [1] } },
  ])('$peer', ({ peer, want }) => {
    const p = c.peers.get(peer);
    if (!p) throw new Error(peer);
    const r = wireRoute(intent, p, nextHop);
    expect(r.attributes).toEqual(want);
    expect(formatAddress(r.nextHop)).toBe('198.18.0.11');
  });
});

describe('waitingPeers', () => {
  const slow = (name: string, spec: Record<string, unknown> = {}) =>
    obj('BGPPeer', name, {
      myASN: 64512,
      peerASN: 64513,
      peerAddress: '198.18.0.240',
      bfdProfile: 'gone',
      ...spec,
    });
  it.each([
    { name: 'a peer waiting for its BFDProfile, picking every node', peers: [slow('a')], want: ['a'] },
    {
      name: 'one picking this node (rack b), one another (rack a)',
      peers: [
        slow('b', { nodeSelectors: [{ matchLabels: { rack: 'b' } }] }),
        slow('a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
      ],
      want: ['b'],
    },
    { name: 'no profile named: not waiting', peers: [ebgp], want: [] },
  ])('$name', ({ peers, want }) => {
    const c = buildBgpConfig({ ...none, peers }, new Set(pools.keys()));
    expect(waitingPeers(self, c).map((w) => w.peer.name)).toEqual(want);
  });
});
