import { describe, expect, it } from 'vitest';
import { req } from '../allocator/fixtures.test-support.js';
import { Allocator } from '../allocator/index.js';
import { buildConfig } from '../config/index.js';
import { poolStatuses } from './pool-status.js';

const NOW = new Date('2026-12-02T03:00:00Z');
const pool = (name: string, addresses: string[], created: string, ready?: 'True' | 'False') => ({
  metadata: { name, uid: `uid-${name}`, generation: 2, creationTimestamp: created },
  spec: { addresses },
  ...(ready
    ? {
        status: {
          conditions: [{ type: 'Ready', status: ready, lastTransitionTime: '2026-01-01T00:00:00Z' }],
        },
      }
    : {}),
});

describe('poolStatuses: what each pool status write says', () => {
  it.each([
    {
      name: 'a valid pool: usage per family and Ready True; no Event',
      objects: [pool('lan', ['198.18.0.0/30', '2001:db8::/126'], '2026-01-01')],
      use: 1,
      want: ['lan v4 1/4 v6 0/4 Ready=True(Ready) since 2026-12-02T03:00:00.000Z events='],
    },
    {
      name: 'Ready unchanged: the transition time stays',
      objects: [pool('lan', ['198.18.0.0/30'], '2026-01-01', 'True')],
      use: 0,
      want: ['lan v4 0/4 v6 0/0 Ready=True(Ready) since 2026-01-01T00:00:00Z events='],
    },
    {
      name: 'an overlapping newer pool: Ready False (Overlap), counts 0, one InvalidPool Event',
      objects: [pool('lan', ['198.18.0.0/30'], '2026-01-01'), pool('dup', ['198.18.0.2/31'], '2026-02-01')],
      use: 0,
      want: [
        'lan v4 0/4 v6 0/0 Ready=True(Ready) since 2026-12-02T03:00:00.000Z events=',
        'dup v4 0/0 v6 0/0 Ready=False(Overlap) since 2026-12-02T03:00:00.000Z events=InvalidPool',
      ],
    },
    {
      name: 'still refused: no second Event',
      objects: [
        pool('lan', ['198.18.0.0/30'], '2026-01-01'),
        pool('dup', ['198.18.0.2/31'], '2026-02-01', 'False'),
      ],
      use: 0,
      want: [
        'lan v4 0/4 v6 0/0 Ready=True(Ready) since 2026-12-02T03:00:00.000Z events=',
        'dup v4 0/0 v6 0/0 Ready=False(Overlap) since 2026-01-01T00:00:00Z events=',
      ],
    },
  ])('$name', ({ objects, use, want }) => {
    const config = buildConfig(objects, []);
    const alloc = new Allocator();
    alloc.setPools([...config.pools.values()]);
    for (let i = 0; i < use; i++) alloc.allocate(req({ name: `s${i}` }));
    const got = poolStatuses(config, objects, alloc, NOW).map((p) => {
      const c = p.status.conditions[0];
      return `${p.name} v4 ${p.status.assignedIPv4}/${p.totalIPv4} v6 ${p.status.assignedIPv6}/${p.totalIPv6} Ready=${c?.status}(${c?.reason}) since ${c?.lastTransitionTime} events=${p.events.map((e) => e.reason).join(',')}`;
    });
    expect(got).toEqual(want);
  });
});
