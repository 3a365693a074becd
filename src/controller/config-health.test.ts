import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import { configHealth } from './config-health.js';

const pool = (name: string, addresses: string[]) => ({
  metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { addresses },
});
const ad = (name: string, pools: string[]) => ({ metadata: { name }, spec: { ipAddressPools: pools } });

describe('configHealth: the config-loaded and config-stale gauges', () => {
  it.each([
    { name: 'no config built yet (standby)', objects: undefined, watchesUp: true, loaded: 0, stale: 0 },
    {
      name: 'valid pool and advertisement, watches up',
      objects: { pools: [pool('lan', ['198.18.0.0/30'])], ads: [ad('all', ['lan'])] },
      watchesUp: true,
      loaded: 1,
      stale: 0,
    },
    {
      name: 'no objects at all: nothing is wrong',
      objects: { pools: [], ads: [] },
      watchesUp: true,
      loaded: 1,
      stale: 0,
    },
    {
      name: 'an advertisement naming a missing pool is a warning: still loaded',
      objects: { pools: [pool('lan', ['198.18.0.0/30'])], ads: [ad('all', ['lan', 'later'])] },
      watchesUp: true,
      loaded: 1,
      stale: 0,
    },
    {
      name: 'a pool with a bad address was left out: not loaded',
      objects: { pools: [pool('lan', ['198.18.0.0/30']), pool('bad', ['not-an-ip'])], ads: [] },
      watchesUp: true,
      loaded: 0,
      stale: 0,
    },
    {
      name: 'overlapping pools: the newer was left out',
      objects: { pools: [pool('a', ['198.18.0.0/30']), pool('b', ['198.18.0.2/31'])], ads: [] },
      watchesUp: true,
      loaded: 0,
      stale: 0,
    },
    {
      name: 'valid config but a watch is down: stale',
      objects: { pools: [pool('lan', ['198.18.0.0/30'])], ads: [] },
      watchesUp: false,
      loaded: 1,
      stale: 1,
    },
    {
      name: 'invalid and a watch down',
      objects: { pools: [pool('bad', ['198.18.0.9-198.18.0.1'])], ads: [] },
      watchesUp: false,
      loaded: 0,
      stale: 1,
    },
  ])('$name', ({ objects, watchesUp, loaded, stale }) => {
    const errors = objects ? buildConfig(objects.pools, objects.ads).errors : undefined;
    expect(configHealth({ errors, watchesUp })).toEqual({ loaded, stale });
  });
});
