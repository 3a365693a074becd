import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.js';
import { ips, pools, req, type Svc } from './fixtures.test-support.js';

// Which pool a new pick comes from (issue 18, finding 3): priority first, then pools that select the
// Service before open ones, then the name. Each pool is a /32, so the address names the pool.
const open = (priority?: number) =>
  [
    'all',
    { addresses: ['198.18.9.1/32'], ...(priority === undefined ? {} : { serviceAllocation: { priority } }) },
  ] as [string, Record<string, unknown>];
const OPEN = '198.18.9.1';

describe('Allocator: pool order', () => {
  const cases: { name: string; pools: [string, Record<string, unknown>][]; svc: Svc; want: string }[] = [
    {
      name: 'no priorities: a pool pinned to the namespace by name comes before the open pool',
      pools: [open(), ['hx1', { addresses: ['198.18.1.1/32'], serviceAllocation: { namespaces: ['hx1'] } }]],
      svc: { name: 's', ns: 'hx1' },
      want: '198.18.1.1',
    },
    {
      name: 'no priorities: pinned by namespace label comes first',
      pools: [
        open(),
        [
          'by-label',
          {
            addresses: ['198.18.2.1/32'],
            serviceAllocation: { namespaceSelectors: [{ matchLabels: { team: 'a' } }] },
          },
        ],
      ],
      svc: { name: 's', ns: 'x', nsLabels: { team: 'a' } },
      want: '198.18.2.1',
    },
    {
      name: 'no priorities: pinned by Service selector comes first',
      pools: [
        open(),
        [
          'by-svc',
          {
            addresses: ['198.18.3.1/32'],
            serviceAllocation: { serviceSelectors: [{ matchLabels: { tier: 'web' } }] },
          },
        ],
      ],
      svc: { name: 's', labels: { tier: 'web' } },
      want: '198.18.3.1',
    },
    {
      name: 'a pinned pool that does not select the Service is no candidate: the open pool serves',
      pools: [open(), ['hx1', { addresses: ['198.18.1.1/32'], serviceAllocation: { namespaces: ['hx1'] } }]],
      svc: { name: 's', ns: 'other' },
      want: OPEN,
    },
    {
      name: 'priority beats pinning: an open pool with priority 1 before a pinned pool without',
      pools: [open(1), ['hx1', { addresses: ['198.18.1.1/32'], serviceAllocation: { namespaces: ['hx1'] } }]],
      svc: { name: 's', ns: 'hx1' },
      want: OPEN,
    },
    {
      name: 'lower priority value first, whatever the names',
      pools: [
        ['a-late', { addresses: ['198.18.4.1/32'], serviceAllocation: { priority: 5 } }],
        ['z-early', { addresses: ['198.18.5.1/32'], serviceAllocation: { priority: 2 } }],
      ],
      svc: { name: 's' },
      want: '198.18.5.1',
    },
    {
      name: 'equal priority: pinned before open',
      pools: [
        open(3),
        ['hx1', { addresses: ['198.18.1.1/32'], serviceAllocation: { priority: 3, namespaces: ['hx1'] } }],
      ],
      svc: { name: 's', ns: 'hx1' },
      want: '198.18.1.1',
    },
    {
      name: 'tie between two open pools: by name',
      pools: [
        ['b', { addresses: ['198.18.6.1/32'] }],
        ['a', { addresses: ['198.18.7.1/32'] }],
      ],
      svc: { name: 's' },
      want: '198.18.7.1',
    },
    {
      name: 'tie between two pinned pools: by name',
      pools: [
        ['pin-b', { addresses: ['198.18.6.1/32'], serviceAllocation: { namespaces: ['hx1'] } }],
        ['pin-a', { addresses: ['198.18.7.1/32'], serviceAllocation: { namespaces: ['hx1'] } }],
      ],
      svc: { name: 's', ns: 'hx1' },
      want: '198.18.7.1',
    },
    {
      name: 'a full pinned pool falls through to the open one',
      pools: [open(), ['hx1', { addresses: ['198.18.1.1/32'], serviceAllocation: { namespaces: ['hx1'] } }]],
      svc: { name: 'second', ns: 'hx1' },
      want: OPEN,
    },
  ];
  it.each(cases)('$name', ({ pools: specs, svc, want }) => {
    const a = new Allocator();
    a.setPools(pools(...specs));
    if (svc.name === 'second') a.allocate(req({ name: 'first', ns: svc.ns ?? 'default' }));
    expect(ips(a.allocate(req(svc)))).toEqual([want]);
  });
});
