import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRange } from '../net/range.js';
import { buildConfig } from './build-config.js';
import { formatConfigError, isWarning } from './config-error.js';

const pool = (name: string, addresses: unknown, labels?: Record<string, string>, created?: string) => ({
  metadata: { name, ...(labels ? { labels } : {}), ...(created ? { creationTimestamp: created } : {}) },
  spec: { addresses },
});
const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-02T00:00:00Z';
const ad = (name: string, spec: unknown = {}) => ({ metadata: { name }, spec });

describe('buildConfig: pools', () => {
  const cases: { name: string; pools: unknown[]; wantPools: string[]; wantErrors: string[] }[] = [
    { name: 'nothing', pools: [], wantPools: [], wantErrors: [] },
    {
      name: 'disjoint pools, sorted by name',
      pools: [pool('b', ['198.18.1.0/24']), pool('a', ['198.18.0.0/24']), pool('c', ['fd00::/120'])],
      wantPools: ['a', 'b', 'c'],
      wantErrors: [],
    },
    {
      name: 'of two overlapping pools the newer is refused, naming the older; the others keep working',
      pools: [
        pool('lan', ['198.18.0.0/24'], undefined, T1),
        pool('dmz', ['198.18.5.0/24', '198.18.0.100-198.18.0.200'], undefined, T2),
        pool('v6', ['fd00::/120']),
      ],
      wantPools: ['lan', 'v6'],
      wantErrors: [
        'pool "dmz": spec.addresses[1]: 198.18.0.100-198.18.0.200 overlaps pool "lan" spec.addresses[0] 198.18.0.0/24, which is older and keeps working',
      ],
    },
    {
      name: 'a new wide pool over two older ones is refused; they keep working',
      pools: [
        pool('wide', ['198.18.0.0/16'], undefined, T2),
        pool('x', ['198.18.1.0/24'], undefined, T1),
        pool('y', ['198.18.2.0/24'], undefined, T1),
      ],
      wantPools: ['x', 'y'],
      wantErrors: [
        'pool "wide": spec.addresses[0]: 198.18.0.0/16 overlaps pool "x" spec.addresses[0] 198.18.1.0/24, which is older and keeps working',
        'pool "wide": spec.addresses[0]: 198.18.0.0/16 overlaps pool "y" spec.addresses[0] 198.18.2.0/24, which is older and keeps working',
      ],
    },
    {
      name: 'an old wide pool refuses two newer ones inside it',
      pools: [
        pool('wide', ['198.18.0.0/16'], undefined, T1),
        pool('x', ['198.18.1.0/24'], undefined, T2),
        pool('y', ['198.18.2.0/24'], undefined, T2),
      ],
      wantPools: ['wide'],
      wantErrors: [
        'pool "x": spec.addresses[0]: 198.18.1.0/24 overlaps pool "wide" spec.addresses[0] 198.18.0.0/16, which is older and keeps working',
        'pool "y": spec.addresses[0]: 198.18.2.0/24 overlaps pool "wide" spec.addresses[0] 198.18.0.0/16, which is older and keeps working',
      ],
    },
    {
      name: 'a refused pool is not held against a third: a over b over c, b refused, c kept',
      pools: [
        pool('a', ['198.18.0.0/24'], undefined, '2026-01-01T00:00:00Z'),
        pool('b', ['198.18.0.128-198.18.1.10'], undefined, '2026-01-02T00:00:00Z'),
        pool('c', ['198.18.1.0/24'], undefined, '2026-01-03T00:00:00Z'),
      ],
      wantPools: ['a', 'c'],
      wantErrors: [
        'pool "b": spec.addresses[0]: 198.18.0.128-198.18.1.10 overlaps pool "a" spec.addresses[0] 198.18.0.0/24, which is older and keeps working',
      ],
    },
    {
      name: 'IPv6 overlap across pools; same age: the name decides',
      pools: [pool('a', ['2001:db8::/64']), pool('b', ['2001:db8::ff-2001:db8::1:0'])],
      wantPools: ['a'],
      wantErrors: [
        'pool "b": spec.addresses[0]: 2001:db8::ff-2001:db8::1:0 overlaps pool "a" spec.addresses[0] 2001:db8::/64, which is older and keeps working',
      ],
    },
    {
      name: 'same numbers in two families do not overlap',
      pools: [pool('v4', ['0.0.0.0/24']), pool('v6', ['::/120'])],
      wantPools: ['v4', 'v6'],
      wantErrors: [],
    },
    {
      name: 'a pool broken on its own does not take an overlapping good pool down',
      pools: [pool('broken', ['198.18.0.0/24', 'nonsense']), pool('good', ['198.18.0.0/25'])],
      wantPools: ['good'],
      wantErrors: ['pool "broken": spec.addresses[1]: "nonsense" is neither a CIDR nor a start-end range'],
    },
    {
      name: 'duplicate names: all copies refused, once; they do not take an overlapping pool down',
      pools: [pool('lan', ['198.18.0.0/24']), pool('lan', ['198.18.1.0/24']), pool('dmz', ['198.18.0.0/24'])],
      wantPools: ['dmz'],
      wantErrors: [
        'pool "lan": metadata.name: 2 IPAddressPool objects share this name; all of them are ignored',
      ],
    },
    {
      name: 'unnamed objects are not duplicates of each other',
      pools: [{ spec: { addresses: ['198.18.0.0/24'] } }, { spec: { addresses: ['198.18.1.0/24'] } }],
      wantPools: [],
      wantErrors: ['pool "": metadata.name: name is required', 'pool "": metadata.name: name is required'],
    },
    {
      name: 'garbage never throws',
      pools: [null, 7, 'x', [], { metadata: null, spec: null }, pool('ok', ['198.18.0.0/24'])],
      wantPools: ['ok'],
      wantErrors: [
        'pool "": want an object, got null',
        'pool "": want an object, got number',
        'pool "": want an object, got string',
        'pool "": want an object, got a list',
        'pool "": metadata.name: name is required',
        'pool "": spec: spec is required',
      ],
    },
  ];
  it.each(cases)('$name', ({ pools, wantPools, wantErrors }) => {
    const config = buildConfig(pools, []);
    expect([...config.pools.keys()]).toEqual(wantPools);
    expect(config.errors.map(formatConfigError)).toEqual(wantErrors);
  });

  it('marks cross-pool overlaps and duplicates with stable reasons', () => {
    const config = buildConfig(
      [
        pool('a', ['198.18.0.0/24']),
        pool('b', ['198.18.0.0/24']),
        pool('c', ['fd00::/64']),
        pool('c', ['fd01::/64']),
      ],
      [],
    );
    expect(config.errors.map((e) => [e.name, e.reason])).toEqual([
      ['b', 'Overlap'],
      ['c', 'DuplicateName'],
    ]);
  });

  it('keeps the parsed pool whole', () => {
    const config = buildConfig([pool('lan', ['198.18.0.128/25', '198.18.0.0/25'], { zone: 'a' })], []);
    const lan = config.pools.get('lan');
    expect(lan?.ranges.map(formatRange)).toEqual(['198.18.0.0/25', '198.18.0.128/25']);
    expect(lan?.labels).toEqual({ zone: 'a' });
  });
});

describe('buildConfig: L2Advertisements', () => {
  const pools = [pool('lan', ['198.18.0.0/24']), pool('dmz', ['198.18.1.0/24']), pool('bad', ['x'])];

  const cases: { name: string; ads: unknown[]; wantAds: string[]; wantErrors: string[] }[] = [
    { name: 'none', ads: [], wantAds: [], wantErrors: [] },
    { name: 'sorted by name', ads: [ad('z'), ad('a'), ad('m')], wantAds: ['a', 'm', 'z'], wantErrors: [] },
    {
      name: 'unknown pool: a warning, the advertisement stays',
      ads: [ad('x', { ipAddressPools: ['lan', 'gone'] })],
      wantAds: ['x'],
      wantErrors: ['l2advertisement "x": spec.ipAddressPools[1]: IPAddressPool "gone" does not exist'],
    },
    {
      name: 'a pool that exists but is invalid is not unknown (it reports its own error)',
      ads: [ad('x', { ipAddressPools: ['bad'] })],
      wantAds: ['x'],
      wantErrors: [],
    },
    {
      name: 'invalid advertisement is left out, the others stay',
      ads: [ad('good'), ad('broken', { interfaces: ['eth0:1'] })],
      wantAds: ['good'],
      wantErrors: [
        `l2advertisement "broken": spec.interfaces[0]: interface name "eth0:1" contains '/', ':' or whitespace`,
      ],
    },
    {
      name: 'duplicate names',
      ads: [ad('x'), ad('x', { interfaces: ['eth0'] }), ad('y')],
      wantAds: ['y'],
      wantErrors: [
        'l2advertisement "x": metadata.name: 2 L2Advertisement objects share this name; all of them are ignored',
      ],
    },
    {
      name: 'garbage never throws',
      ads: [undefined, { metadata: { name: 'x' }, spec: [] }],
      wantAds: [],
      wantErrors: [
        'l2advertisement "": want an object, got undefined',
        'l2advertisement "x": spec: want an object, got a list',
      ],
    },
  ];
  it.each(cases)('$name', ({ ads, wantAds, wantErrors }) => {
    const config = buildConfig(pools, ads);
    expect(config.l2Advertisements.map((a) => a.name)).toEqual(wantAds);
    expect(config.errors.filter((e) => e.kind === 'L2Advertisement').map(formatConfigError)).toEqual(
      wantErrors,
    );
  });

  it('keeps an unknown pool name, so the advertisement does not widen to all pools', () => {
    const config = buildConfig(pools, [ad('x', { ipAddressPools: ['gone'] })]);
    expect(config.l2Advertisements[0]?.poolNames).toEqual(['gone']);
    const warning = config.errors.find((e) => e.kind === 'L2Advertisement');
    expect(warning?.reason).toBe('UnknownPool');
    expect(warning && isWarning(warning)).toBe(true);
  });
});

describe('buildConfig: ordering and robustness', () => {
  it('sorts errors by kind, then name, whatever the input order', () => {
    const config = buildConfig([pool('z', ['x']), pool('a', ['y'])], [ad('b', { interfaces: [''] }), null]);
    expect(config.errors.map((e) => `${e.kind}/${e.name}`)).toEqual([
      'IPAddressPool/a',
      'IPAddressPool/z',
      'L2Advertisement/',
      'L2Advertisement/b',
    ]);
  });

  it('never throws on arbitrary input', () => {
    const objectish = fc.record(
      {
        metadata: fc.record({ name: fc.oneof(fc.string(), fc.anything()), labels: fc.anything() }),
        spec: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const input = fc.array(fc.oneof(fc.anything(), objectish), { maxLength: 6 });
    fc.assert(
      fc.property(input, input, (pools, ads) => {
        const config = buildConfig(pools, ads);
        // Whatever happened, every refused object is explained by at least one error of its kind.
        const fatal = (kind: string) => config.errors.some((e) => e.kind === kind && !isWarning(e));
        expect(config.pools.size).toBeLessThanOrEqual(pools.length);
        if (config.pools.size < pools.length) expect(fatal('IPAddressPool')).toBe(true);
        expect(config.l2Advertisements.length).toBeLessThanOrEqual(ads.length);
        if (config.l2Advertisements.length < ads.length) expect(fatal('L2Advertisement')).toBe(true);
        for (const e of config.errors) expect(formatConfigError(e)).toMatch(/^(pool|l2advertisement) "/);
      }),
      { numRuns: 500 },
    );
  });
});
