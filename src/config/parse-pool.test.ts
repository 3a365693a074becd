import { describe, expect, it } from 'vitest';
import { formatRange } from '../net/range.js';
import { formatConfigError } from './config-error.js';
import { parsePool } from './parse-pool.js';

const pool = (spec: unknown, name = 'lan') => ({ metadata: { name }, spec });

describe('parsePool: errors', () => {
  const cases: { name: string; raw: unknown; want: string[] }[] = [
    { name: 'null object', raw: null, want: ['pool "": want an object, got null'] },
    { name: 'array object', raw: [], want: ['pool "": want an object, got a list'] },
    { name: 'string object', raw: 'lan', want: ['pool "": want an object, got string'] },
    {
      name: 'no name',
      raw: { spec: { addresses: ['198.18.0.0/24'] } },
      want: ['pool "": metadata.name: name is required'],
    },
    {
      name: 'numeric name',
      raw: { metadata: { name: 7 }, spec: { addresses: ['198.18.0.0/24'] } },
      want: ['pool "": metadata.name: name is required'],
    },
    {
      name: 'labels not a map',
      raw: { metadata: { name: 'lan', labels: ['a'] }, spec: { addresses: ['198.18.0.0/24'] } },
      want: ['pool "lan": metadata.labels: want a map, got a list'],
    },
    {
      name: 'label value not a string',
      raw: { metadata: { name: 'lan', labels: { a: 1 } }, spec: { addresses: ['198.18.0.0/24'] } },
      want: ['pool "lan": metadata.labels: label "a" is not a string'],
    },
    { name: 'no spec', raw: { metadata: { name: 'lan' } }, want: ['pool "lan": spec: spec is required'] },
    { name: 'spec is a string', raw: pool('x'), want: ['pool "lan": spec: want an object, got string'] },
    {
      name: 'no addresses',
      raw: pool({}),
      want: ['pool "lan": spec.addresses: at least one address range is required'],
    },
    {
      name: 'empty addresses',
      raw: pool({ addresses: [] }),
      want: ['pool "lan": spec.addresses: at least one address range is required'],
    },
    {
      name: 'addresses not a list',
      raw: pool({ addresses: '198.18.0.0/24' }),
      want: ['pool "lan": spec.addresses: want a list, got string'],
    },
    {
      name: 'address not a string',
      raw: pool({ addresses: [42] }),
      want: ['pool "lan": spec.addresses[0]: want a string, got number'],
    },
    {
      name: 'range start after end',
      raw: pool({ addresses: ['198.18.0.0/28', '198.18.1.0/28', '198.18.2.20-198.18.2.10'] }),
      want: ['pool "lan": spec.addresses[2]: range start after end'],
    },
    {
      name: 'range of mixed families',
      raw: pool({ addresses: ['198.18.0.1-fd00::1'] }),
      want: ['pool "lan": spec.addresses[0]: range start and end are of different families'],
    },
    {
      name: 'CIDR with host bits',
      raw: pool({ addresses: ['198.18.0.1/24'] }),
      want: [
        'pool "lan": spec.addresses[0]: "198.18.0.1/24" has host bits set (did you mean 198.18.0.0/24?)',
      ],
    },
    {
      name: 'not an address at all',
      raw: pool({ addresses: ['lan'] }),
      want: ['pool "lan": spec.addresses[0]: "lan" is neither a CIDR nor a start-end range'],
    },
    {
      name: 'every bad entry is reported',
      raw: pool({ addresses: ['x', '198.18.0.0/24', '198.18.9.9/8'] }),
      want: [
        'pool "lan": spec.addresses[0]: "x" is neither a CIDR nor a start-end range',
        'pool "lan": spec.addresses[2]: "198.18.9.9/8" has host bits set (did you mean 198.0.0.0/8?)',
      ],
    },
    {
      name: 'overlap inside the pool, reported on the later entry',
      raw: pool({ addresses: ['198.18.0.128/25', '198.18.1.0/24', '198.18.0.0/24'] }),
      want: ['pool "lan": spec.addresses[2]: 198.18.0.0/24 overlaps spec.addresses[0] 198.18.0.128/25'],
    },
    {
      name: 'touching at one address is an overlap',
      raw: pool({ addresses: ['198.18.0.1-198.18.0.10', '198.18.0.10-198.18.0.20'] }),
      want: [
        'pool "lan": spec.addresses[1]: 198.18.0.10-198.18.0.20 overlaps spec.addresses[0] 198.18.0.1-198.18.0.10',
      ],
    },
    {
      name: 'the same IPv6 range spelled twice',
      raw: pool({ addresses: ['fd00::/120', 'FD00::0-fd00::ff'] }),
      want: ['pool "lan": spec.addresses[1]: fd00::/120 overlaps spec.addresses[0] fd00::/120'],
    },
    {
      name: 'autoAssign not a boolean',
      raw: pool({ addresses: ['198.18.0.0/24'], autoAssign: 'true' }),
      want: ['pool "lan": spec.autoAssign: want a boolean, got string'],
    },
    {
      name: 'avoidBuggyIPs not a boolean',
      raw: pool({ addresses: ['198.18.0.0/24'], avoidBuggyIPs: 1 }),
      want: ['pool "lan": spec.avoidBuggyIPs: want a boolean, got number'],
    },
    {
      name: 'serviceAllocation not an object',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: [] }),
      want: ['pool "lan": spec.serviceAllocation: want an object, got a list'],
    },
    {
      name: 'negative priority',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: { priority: -1 } }),
      want: ['pool "lan": spec.serviceAllocation.priority: priority -1 is outside 0..2147483647'],
    },
    {
      name: 'priority beyond int32',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: { priority: 2 ** 31 } }),
      want: ['pool "lan": spec.serviceAllocation.priority: priority 2147483648 is outside 0..2147483647'],
    },
    {
      name: 'fractional priority',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: { priority: 1.5 } }),
      want: ['pool "lan": spec.serviceAllocation.priority: want an integer, got 1.5'],
    },
    {
      name: 'priority as a string',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: { priority: '1' } }),
      want: ['pool "lan": spec.serviceAllocation.priority: want an integer, got "1"'],
    },
    {
      name: 'bad namespace name',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: { namespaces: ['prod', 'Prod'] } }),
      want: ['pool "lan": spec.serviceAllocation.namespaces[1]: "Prod" is not a lowercase RFC 1123 label'],
    },
    {
      name: 'namespaces not a list',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: { namespaces: 'prod' } }),
      want: ['pool "lan": spec.serviceAllocation.namespaces: want a list, got string'],
    },
    {
      name: 'bad namespace selector',
      raw: pool({
        addresses: ['198.18.0.0/24'],
        serviceAllocation: { namespaceSelectors: [{ matchExpressions: [{ key: 'team', operator: 'In' }] }] },
      }),
      want: [
        'pool "lan": spec.serviceAllocation.namespaceSelectors[0].matchExpressions[0].values: values must be non-empty when operator is In',
      ],
    },
    {
      name: 'bad service selector',
      raw: pool({ addresses: ['198.18.0.0/24'], serviceAllocation: { serviceSelectors: {} } }),
      want: [
        'pool "lan": spec.serviceAllocation.serviceSelectors: want a list of label selectors, got an object',
      ],
    },
  ];
  it.each(cases)('$name', ({ raw, want }) => {
    const got = parsePool(raw);
    expect(got.errors.map(formatConfigError)).toEqual(want);
    expect(got.pool).toBeUndefined();
  });

  it('gives stable reasons', () => {
    const reasons = (spec: unknown) => parsePool(pool(spec)).errors.map((e) => e.reason);
    expect(reasons({ addresses: ['x'] })).toEqual(['BadAddress']);
    expect(reasons({ addresses: ['198.18.0.0/24', '198.18.0.0/25'] })).toEqual(['Overlap']);
    expect(reasons({ addresses: [] })).toEqual(['InvalidField']);
    expect(reasons({ addresses: ['198.18.0.0/24'], serviceAllocation: { serviceSelectors: [1] } })).toEqual([
      'BadSelector',
    ]);
  });
});

describe('parsePool: valid pools', () => {
  it('applies defaults and sorts ranges by family, then first address', () => {
    const got = parsePool({
      metadata: { name: 'lan', labels: { zone: 'a' } },
      spec: { addresses: ['fd00::/120', '198.18.1.0/24', ' 198.18.0.10 - 198.18.0.20 ', '2001:db8::/64'] },
    });
    expect(got.errors).toEqual([]);
    expect(got.pool?.ranges.map(formatRange)).toEqual([
      '198.18.0.10-198.18.0.20',
      '198.18.1.0/24',
      '2001:db8::/64',
      'fd00::/120',
    ]);
    expect(got.pool).toMatchObject({
      name: 'lan',
      autoAssign: true,
      avoidBuggyIPs: false,
      labels: { zone: 'a' },
      allocation: { priority: undefined, namespaces: [], namespaceSelectors: [], serviceSelectors: [] },
    });
    // Indices still point into spec.addresses, for errors found later against other pools.
    expect(got.sources.map((s) => s.index)).toEqual([0, 1, 2, 3]);
  });

  it('treats null like an absent field, as the API server does', () => {
    const got = parsePool(pool({ addresses: ['198.18.0.0/24'], autoAssign: null, serviceAllocation: null }));
    expect(got.errors).toEqual([]);
    expect(got.pool?.autoAssign).toBe(true);
  });

  it('reads every field', () => {
    const selector = { matchExpressions: [{ key: 'team', operator: 'In', values: ['web'] }] };
    const got = parsePool(
      pool({
        addresses: ['198.18.0.0/24'],
        autoAssign: false,
        avoidBuggyIPs: true,
        serviceAllocation: {
          priority: 0,
          namespaces: ['prod'],
          namespaceSelectors: [{ matchLabels: { env: 'prod' } }],
          serviceSelectors: [selector],
        },
      }),
    );
    expect(got.errors).toEqual([]);
    expect(got.pool).toMatchObject({
      autoAssign: false,
      avoidBuggyIPs: true,
      allocation: {
        priority: 0,
        namespaces: ['prod'],
        namespaceSelectors: [{ matchLabels: { env: 'prod' } }],
        serviceSelectors: [selector],
      },
    });
  });

  it('ignores fields it does not know (the API server prunes them)', () => {
    expect(parsePool(pool({ addresses: ['198.18.0.0/24'], bgp: true })).errors).toEqual([]);
  });
});
