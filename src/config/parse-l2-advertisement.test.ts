import { describe, expect, it } from 'vitest';
import { formatConfigError } from './config-error.js';
import { parseL2Advertisement } from './parse-l2-advertisement.js';

const ad = (spec: unknown, name = 'x') => ({ metadata: { name }, spec });

describe('parseL2Advertisement: errors', () => {
  const cases: { name: string; raw: unknown; want: string[] }[] = [
    { name: 'null object', raw: null, want: ['l2advertisement "": want an object, got null'] },
    { name: 'no name', raw: { spec: {} }, want: ['l2advertisement "": metadata.name: name is required'] },
    {
      name: 'spec not an object',
      raw: ad(3),
      want: ['l2advertisement "x": spec: want an object, got number'],
    },
    {
      name: 'ipAddressPools not a list',
      raw: ad({ ipAddressPools: 'lan' }),
      want: ['l2advertisement "x": spec.ipAddressPools: want a list, got string'],
    },
    {
      name: 'pool name not a string',
      raw: ad({ ipAddressPools: ['lan', null] }),
      want: ['l2advertisement "x": spec.ipAddressPools[1]: want a string, got null'],
    },
    {
      name: 'pool name not a valid object name',
      raw: ad({ ipAddressPools: ['LAN'] }),
      want: ['l2advertisement "x": spec.ipAddressPools[0]: "LAN" is not a lowercase RFC 1123 subdomain'],
    },
    {
      name: 'bad pool selector',
      raw: ad({
        ipAddressPoolSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] }],
      }),
      want: [
        'l2advertisement "x": spec.ipAddressPoolSelectors[0].matchExpressions[0].values: values must be empty when operator is Exists',
      ],
    },
    {
      name: 'bad node selector',
      raw: ad({ nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': 5 } }] }),
      want: [
        'l2advertisement "x": spec.nodeSelectors[0].matchLabels: label "kubernetes.io/hostname": want a string value, got number',
      ],
    },
    {
      name: 'bad service selector',
      raw: ad({ serviceSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In' }] }] }),
      want: [
        'l2advertisement "x": spec.serviceSelectors[0].matchExpressions[0].values: values must be non-empty when operator is In',
      ],
    },
    {
      name: 'service selectors not a list',
      raw: ad({ serviceSelectors: { matchLabels: { tier: 'edge' } } }),
      want: ['l2advertisement "x": spec.serviceSelectors: want a list of label selectors, got an object'],
    },
    {
      name: 'interface name too long',
      raw: ad({ interfaces: ['eth0', 'a-very-long-ifname'] }),
      want: [
        'l2advertisement "x": spec.interfaces[1]: interface name "a-very-long-ifname" is longer than 15 bytes',
      ],
    },
    {
      name: 'interface name with a slash',
      raw: ad({ interfaces: ['eth/0'] }),
      want: [
        `l2advertisement "x": spec.interfaces[0]: interface name "eth/0" contains '/', ':' or whitespace`,
      ],
    },
    {
      name: 'interface not a string',
      raw: ad({ interfaces: [{}] }),
      want: ['l2advertisement "x": spec.interfaces[0]: want a string, got an object'],
    },
  ];
  it.each(cases)('$name', ({ raw, want }) => {
    const got = parseL2Advertisement(raw);
    expect(got.errors.map(formatConfigError)).toEqual(want);
    expect(got.advertisement).toBeUndefined();
  });

  it('marks interface errors BadInterface and selector errors BadSelector', () => {
    expect(parseL2Advertisement(ad({ interfaces: [''] })).errors.map((e) => e.reason)).toEqual([
      'BadInterface',
    ]);
    expect(parseL2Advertisement(ad({ nodeSelectors: [1] })).errors.map((e) => e.reason)).toEqual([
      'BadSelector',
    ]);
  });
});

describe('parseL2Advertisement: valid', () => {
  it.each([
    ['no spec', { metadata: { name: 'x' } }],
    ['empty spec', ad({})],
    ['null lists', ad({ ipAddressPools: null, interfaces: null, serviceSelectors: null })],
  ])('%s covers all pools from all nodes, for every Service', (_, raw) => {
    expect(parseL2Advertisement(raw)).toEqual({
      name: 'x',
      errors: [],
      advertisement: {
        name: 'x',
        poolNames: [],
        poolSelectors: [],
        nodeSelectors: [],
        serviceSelectors: [],
        interfaces: [],
      },
    });
  });

  it('reads every field', () => {
    const got = parseL2Advertisement(
      ad({
        ipAddressPools: ['lan', 'dmz'],
        ipAddressPoolSelectors: [{ matchLabels: { tier: 'edge' } }],
        nodeSelectors: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/edge', operator: 'Exists' }] }],
        serviceSelectors: [{ matchLabels: { expose: 'edge' } }, { matchLabels: { expose: 'all' } }],
        interfaces: ['eth0', 'br-lan'],
      }),
    );
    expect(got.errors).toEqual([]);
    expect(got.advertisement).toEqual({
      name: 'x',
      poolNames: ['lan', 'dmz'],
      poolSelectors: [{ matchLabels: { tier: 'edge' } }],
      nodeSelectors: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/edge', operator: 'Exists' }] }],
      serviceSelectors: [{ matchLabels: { expose: 'edge' } }, { matchLabels: { expose: 'all' } }],
      interfaces: ['eth0', 'br-lan'],
    });
  });
});
