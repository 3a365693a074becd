import { describe, expect, it } from 'vitest';
import { type BgpObjects, buildBgpConfig } from './build-bgp-config.js';
import { isWarning } from './config-error.js';

const obj = (kind: string, name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'barelb.io/v1alpha1',
  kind,
  metadata: { name },
  spec,
});
const peer = (name: string, spec: Record<string, unknown> = {}) =>
  obj('BGPPeer', name, { myASN: 64512, peerASN: 64513, peerAddress: '198.18.0.240', ...spec });
const ad = (name: string, spec: Record<string, unknown> = {}) => obj('BGPAdvertisement', name, spec);
const none: BgpObjects = { peers: [], advertisements: [], bfdProfiles: [], communities: [] };
const pools = new Set(['lan', 'dmz']);

describe('buildBgpConfig', () => {
  it.each([
    {
      name: 'a peer and an empty advertisement: every pool, /32 and /128, no communities',
      objects: { ...none, peers: [peer('router')], advertisements: [ad('all')] },
      peers: ['router'],
      ads: [{ name: 'all', aggregationLength: 32, aggregationLengthV6: 128, communities: [], peers: [] }],
      errors: [],
    },
    {
      name: 'a BFD profile that exists: the peer keeps it, with its defaults filled in',
      objects: {
        ...none,
        peers: [peer('router', { bfdProfile: 'fast' })],
        bfdProfiles: [obj('BFDProfile', 'fast', { receiveInterval: 100, transmitInterval: 100 })],
      },
      peers: ['router'],
      ads: [],
      errors: [],
      profile: {
        name: 'fast',
        receiveIntervalMs: 100,
        transmitIntervalMs: 100,
        detectMultiplier: 3,
        minimumTtl: 254,
      },
    },
    {
      name: 'a BFD profile that does not exist: the peer waits for it',
      objects: { ...none, peers: [peer('router', { bfdProfile: 'fast' }), peer('other')] },
      peers: ['other'],
      waiting: ['router'],
      ads: [],
      errors: [{ kind: 'BGPPeer', name: 'router', path: 'spec.bfdProfile', reason: 'UnknownReference' }],
    },
    {
      name: 'two peers with one name: both left out',
      objects: { ...none, peers: [peer('router'), peer('router', { peerAddress: '198.18.0.241' })] },
      peers: [],
      ads: [],
      errors: [{ kind: 'BGPPeer', name: 'router', path: 'metadata.name', reason: 'DuplicateName' }],
    },
    {
      name: 'communities: literal, large and aliases resolved',
      objects: {
        ...none,
        advertisements: [
          ad('tagged', { communities: ['64512:1', 'large:64512:2:3', 'NO_ADVERTISE'], localPref: 150 }),
        ],
        communities: [
          obj('Community', 'well-known', { communities: [{ name: 'NO_ADVERTISE', value: '65535:65282' }] }),
        ],
      },
      peers: [],
      ads: [
        {
          name: 'tagged',
          localPref: 150,
          communities: [
            { kind: 'standard', value: 64512 * 65536 + 1 },
            { kind: 'large', value: [64512, 2, 3] },
            { kind: 'standard', value: 0xffff_ff02 },
          ],
        },
      ],
      errors: [],
    },
    {
      name: 'an unknown alias: the advertisement waits (its routes must not go out untagged)',
      objects: { ...none, advertisements: [ad('tagged', { communities: ['NO_EXPORT'] }), ad('plain')] },
      peers: [],
      ads: [{ name: 'plain' }],
      errors: [
        { kind: 'BGPAdvertisement', name: 'tagged', path: 'spec.communities[0]', reason: 'UnknownReference' },
      ],
    },
    {
      name: 'an alias in two Community objects: refused in both, and so is an advertisement naming it',
      objects: {
        ...none,
        advertisements: [ad('tagged', { communities: ['EDGE'] })],
        communities: [
          obj('Community', 'a', { communities: [{ name: 'EDGE', value: '64512:1' }] }),
          obj('Community', 'b', { communities: [{ name: 'EDGE', value: '64512:2' }] }),
        ],
      },
      peers: [],
      ads: [],
      errors: [
        { kind: 'BGPAdvertisement', name: 'tagged', path: 'spec.communities[0]', reason: 'UnknownReference' },
        { kind: 'Community', name: 'a', path: 'spec.communities', reason: 'DuplicateName' },
        { kind: 'Community', name: 'b', path: 'spec.communities', reason: 'DuplicateName' },
      ],
    },
    {
      name: 'unknown pool and peer: warnings, the advertisement still applies',
      objects: {
        ...none,
        peers: [peer('router')],
        advertisements: [ad('some', { ipAddressPools: ['lan', 'gone'], peers: ['router', 'later'] })],
      },
      peers: ['router'],
      ads: [{ name: 'some', poolNames: ['lan', 'gone'], peers: ['router', 'later'] }],
      errors: [
        { kind: 'BGPAdvertisement', name: 'some', path: 'spec.ipAddressPools[1]', reason: 'UnknownPool' },
        { kind: 'BGPAdvertisement', name: 'some', path: 'spec.peers[1]', reason: 'UnknownPeer' },
      ],
    },
    {
      name: 'aggregation out of range: refused with the field',
      objects: { ...none, advertisements: [ad('agg', { aggregationLength: 33 })] },
      peers: [],
      ads: [],
      errors: [
        { kind: 'BGPAdvertisement', name: 'agg', path: 'spec.aggregationLength', reason: 'InvalidField' },
      ],
    },
    {
      name: 'a bad BFD profile is left out, and so is the peer that needs it',
      objects: {
        ...none,
        peers: [peer('router', { bfdProfile: 'fast' })],
        bfdProfiles: [obj('BFDProfile', 'fast', { detectMultiplier: 1 })],
      },
      peers: [],
      waiting: ['router'],
      ads: [],
      errors: [
        { kind: 'BGPPeer', name: 'router', path: 'spec.bfdProfile', reason: 'UnknownReference' },
        { kind: 'BFDProfile', name: 'fast', path: 'spec.detectMultiplier', reason: 'InvalidField' },
      ],
    },
  ])('$name', ({ objects, peers, waiting, ads, errors, profile }) => {
    const c = buildBgpConfig(objects, pools);
    expect([...c.peers.keys()]).toEqual(peers);
    expect([...c.waiting.keys()]).toEqual(waiting ?? []);
    for (const w of c.waiting.values()) expect(w.reason).toMatch(/^spec\.bfdProfile: no valid BFDProfile/);
    expect(c.advertisements).toMatchObject(ads);
    expect(c.advertisements).toHaveLength(ads.length);
    expect(c.errors).toMatchObject(errors);
    expect(c.errors).toHaveLength(errors.length);
    if (profile) expect(c.bfdProfiles.get(profile.name)).toMatchObject(profile);
  });

  it('reports unknown pools and peers as warnings and unknown references as errors', () => {
    const c = buildBgpConfig(
      {
        ...none,
        advertisements: [ad('x', { ipAddressPools: ['gone'], peers: ['gone'], communities: ['GONE'] })],
      },
      pools,
    );
    expect(c.errors.map((e) => [e.reason, isWarning(e)])).toEqual([
      ['UnknownPool', true],
      ['UnknownPeer', true],
      ['UnknownReference', false],
    ]);
  });
});

describe('Community aliases', () => {
  it.each([
    {
      name: 'a value that is no community',
      entry: { name: 'X', value: '70000:1' },
      path: 'spec.communities[0].value',
      msg: /not a community/,
    },
    {
      name: 'a name that reads as a value',
      entry: { name: '1:2', value: '1:2' },
      path: 'spec.communities[0].name',
      msg: /not a name/,
    },
    { name: 'no name', entry: { value: '1:2' }, path: 'spec.communities[0].name', msg: /required/ },
    { name: 'no value', entry: { name: 'X' }, path: 'spec.communities[0].value', msg: /required/ },
  ])('$name', ({ entry, path, msg }) => {
    const c = buildBgpConfig(
      { ...none, communities: [obj('Community', 'c', { communities: [entry] })] },
      pools,
    );
    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]).toMatchObject({ kind: 'Community', name: 'c', path });
    expect(c.errors[0]?.message).toMatch(msg);
  });
});
