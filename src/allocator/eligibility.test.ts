import { describe, expect, it } from 'vitest';
import { poolServes } from './eligibility.js';
import { type PoolSpec, pool } from './test-support.js';

describe('poolServes', () => {
  const prod = { matchLabels: { env: 'prod' } };
  it.each([
    { name: 'no rules serve everyone', spec: {}, ns: 'x', want: true },
    { name: 'listed namespace', spec: { namespaces: ['x'] }, ns: 'x', want: true },
    { name: 'unlisted namespace', spec: { namespaces: ['x'] }, ns: 'y', want: false },
    {
      name: 'namespace selector',
      spec: { namespaceSelectors: [prod] },
      ns: 'y',
      nsLabels: { env: 'prod' },
      want: true,
    },
    {
      name: 'namespace selector misses',
      spec: { namespaceSelectors: [prod] },
      ns: 'y',
      nsLabels: { env: 'dev' },
      want: false,
    },
    {
      name: 'either list or selector',
      spec: { namespaces: ['x'], namespaceSelectors: [prod] },
      ns: 'x',
      want: true,
    },
    {
      name: 'service selector matches',
      spec: { serviceSelectors: [{ matchLabels: { tier: 'gold' } }] },
      ns: 'x',
      labels: { tier: 'gold' },
      want: true,
    },
    {
      name: 'service selector misses',
      spec: { serviceSelectors: [{ matchLabels: { tier: 'gold' } }] },
      ns: 'x',
      labels: {},
      want: false,
    },
    {
      name: 'namespace and service rules both apply',
      spec: { namespaces: ['x'], serviceSelectors: [{ matchLabels: { tier: 'gold' } }] },
      ns: 'y',
      labels: { tier: 'gold' },
      want: false,
    },
  ] as {
    name: string;
    spec: PoolSpec;
    ns: string;
    nsLabels?: Record<string, string>;
    labels?: Record<string, string>;
    want: boolean;
  }[])('$name', ({ spec, ns, nsLabels, labels, want }) => {
    expect(
      poolServes(pool('p', ['198.18.0.0/30'], spec), {
        namespace: ns,
        namespaceLabels: nsLabels ?? {},
        labels: labels ?? {},
      }),
    ).toBe(want);
  });
});
