import { describe, expect, it } from 'vitest';
import {
  advertisementCoversPool,
  advertisementSelectsService,
  advertisementsOfPool,
  poolsOfAdvertisement,
} from './advertisement-pools.js';
import type { L2AdvertisementConfig, PoolConfig } from './types.js';

const pool = (name: string, labels: Record<string, string> = {}): PoolConfig => ({
  name,
  ranges: [],
  autoAssign: true,
  avoidBuggyIPs: false,
  allocation: { priority: undefined, namespaces: [], namespaceSelectors: [], serviceSelectors: [] },
  labels,
});
const ad = (over: Partial<L2AdvertisementConfig>): L2AdvertisementConfig => ({
  name: 'x',
  poolNames: [],
  poolSelectors: [],
  nodeSelectors: [],
  serviceSelectors: [],
  interfaces: [],
  ...over,
});

const pools = new Map([
  ['dmz', pool('dmz', { tier: 'edge' })],
  ['lan', pool('lan', { tier: 'inner' })],
  ['v6', pool('v6')],
]);

describe('advertisementCoversPool / poolsOfAdvertisement', () => {
  const cases: { name: string; ad: L2AdvertisementConfig; want: string[] }[] = [
    { name: 'no refs and no selectors: all pools', ad: ad({}), want: ['dmz', 'lan', 'v6'] },
    { name: 'by name', ad: ad({ poolNames: ['lan'] }), want: ['lan'] },
    { name: 'unknown name only: no pool (not all)', ad: ad({ poolNames: ['gone'] }), want: [] },
    { name: 'by selector', ad: ad({ poolSelectors: [{ matchLabels: { tier: 'edge' } }] }), want: ['dmz'] },
    {
      name: 'name or selector',
      ad: ad({ poolNames: ['v6'], poolSelectors: [{ matchLabels: { tier: 'edge' } }] }),
      want: ['dmz', 'v6'],
    },
    {
      name: 'empty selector matches every pool',
      ad: ad({ poolSelectors: [{}] }),
      want: ['dmz', 'lan', 'v6'],
    },
    {
      name: 'selector that matches nothing',
      ad: ad({ poolSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['none'] }] }] }),
      want: [],
    },
    {
      name: 'node selectors do not change pools',
      ad: ad({ nodeSelectors: [{ matchLabels: { a: 'b' } }] }),
      want: ['dmz', 'lan', 'v6'],
    },
  ];
  it.each(cases)('$name', ({ ad: a, want }) => {
    expect(poolsOfAdvertisement(a, pools).map((p) => p.name)).toEqual(want);
    for (const p of pools.values()) expect(advertisementCoversPool(a, p)).toBe(want.includes(p.name));
  });
});

describe('advertisementsOfPool', () => {
  it('lists the advertisements covering one pool', () => {
    const ads = [
      ad({ name: 'all' }),
      ad({ name: 'lan-only', poolNames: ['lan'] }),
      ad({ name: 'dmz', poolNames: ['dmz'] }),
    ];
    expect(advertisementsOfPool(ads, pool('lan')).map((a) => a.name)).toEqual(['all', 'lan-only']);
  });
});

describe('advertisementSelectsService', () => {
  const edge = { matchLabels: { expose: 'edge' } };
  it.each<{ name: string; ad: L2AdvertisementConfig; labels: Record<string, string>; want: boolean }>([
    { name: 'no selectors: every Service', ad: ad({}), labels: {}, want: true },
    {
      name: 'a matching selector',
      ad: ad({ serviceSelectors: [edge] }),
      labels: { expose: 'edge' },
      want: true,
    },
    { name: 'no label to match', ad: ad({ serviceSelectors: [edge] }), labels: {}, want: false },
    {
      name: 'any one of several selectors',
      ad: ad({ serviceSelectors: [edge, { matchLabels: { expose: 'all' } }] }),
      labels: { expose: 'all' },
      want: true,
    },
    {
      name: 'pool selectors do not select Services',
      ad: ad({ poolSelectors: [edge] }),
      labels: {},
      want: true,
    },
  ])('$name', ({ ad: a, labels, want }) => {
    expect(advertisementSelectsService(a, labels)).toBe(want);
  });
});
