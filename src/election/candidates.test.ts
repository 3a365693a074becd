import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import { type ElectionInput, electOwners, type ServiceView } from './candidates.js';
import type { NodeFacts } from './heartbeat-codec.js';
import { rankCandidates } from './owner-ranking.js';

const IP = '198.18.1.10';
const healthy: NodeFacts = {
  kubeProxyHealthy: true,
  localEndpoints: ['default/local'],
  nodePortDown: [],
  leaving: false,
};
const config = buildConfig(
  [{ metadata: { name: 'lan' }, spec: { addresses: ['198.18.1.0/24'] } }],
  [
    {
      metadata: { name: 'lan' },
      spec: { ipAddressPools: ['lan'], nodeSelectors: [{ matchLabels: { zone: 'a' } }] },
    },
  ],
);
const nodes = ['n1', 'n2', 'n3'].map((name) => ({ name, labels: { zone: 'a' }, excluded: undefined }));
const svc = (over: Partial<ServiceView> = {}): ServiceView => ({
  key: 'default/cluster',
  ips: [IP],
  pool: 'lan',
  local: false,
  endpointNodes: new Set(['n1']),
  labels: {},
  ...over,
});
const base = (over: Partial<ElectionInput> = {}): ElectionInput => ({
  nodes,
  alive: () => true,
  facts: () => healthy,
  config,
  services: [svc()],
  checks: { kubeProxy: true, healthCheckNodePort: true, nodePort: false },
  ...over,
});
const all = rankCandidates(IP, ['n1', 'n2', 'n3']);

describe('electOwners', () => {
  it.each<{ name: string; input: ElectionInput; want: string[] }>([
    {
      name: 'every healthy node is a candidate for a Cluster Service',
      input: base(),
      want: ['n1', 'n2', 'n3'],
    },
    { name: 'a dead speaker is not', input: base({ alive: (n) => n !== 'n2' }), want: ['n1', 'n3'] },
    {
      name: 'an excluded node is not',
      input: base({ nodes: nodes.map((n) => (n.name === 'n3' ? { ...n, excluded: 'label' } : n)) }),
      want: ['n1', 'n2'],
    },
    {
      name: 'a node the advertisement does not select is not',
      input: base({ nodes: nodes.map((n) => (n.name === 'n1' ? { ...n, labels: { zone: 'b' } } : n)) }),
      want: ['n2', 'n3'],
    },
    {
      name: 'unhealthy kube-proxy excludes a node',
      input: base({ facts: (n) => (n === 'n1' ? { ...healthy, kubeProxyHealthy: false } : healthy) }),
      want: ['n2', 'n3'],
    },
    {
      name: '... unless the kube-proxy check is off',
      input: base({
        facts: (n) => (n === 'n1' ? { ...healthy, kubeProxyHealthy: false } : healthy),
        checks: { kubeProxy: false, healthCheckNodePort: true, nodePort: false },
      }),
      want: ['n1', 'n2', 'n3'],
    },
    {
      name: 'a leaving node hands over',
      input: base({ facts: (n) => (n === 'n2' ? { ...healthy, leaving: true } : healthy) }),
      want: ['n1', 'n3'],
    },
    {
      name: 'a node without published facts is not a candidate',
      input: base({ facts: (n) => (n === 'n3' ? undefined : healthy) }),
      want: ['n1', 'n2'],
    },
    {
      name: 'no endpoints at all: nobody announces',
      input: base({ services: [svc({ endpointNodes: new Set() })] }),
      want: [],
    },
    {
      name: 'Local: only nodes whose healthCheckNodePort answered',
      input: base({
        services: [svc({ key: 'default/local', local: true })],
        facts: (n) => (n === 'n2' ? healthy : { ...healthy, localEndpoints: [] }),
      }),
      want: ['n2'],
    },
    {
      name: 'Local without the probe: nodes with a ready endpoint in EndpointSlices',
      input: base({
        services: [svc({ key: 'default/local', local: true, endpointNodes: new Set(['n3']) })],
        checks: { kubeProxy: true, healthCheckNodePort: false, nodePort: false },
      }),
      want: ['n3'],
    },
    {
      name: 'nodePort check: a node whose nodePort refused is out',
      input: base({
        facts: (n) => (n === 'n1' ? { ...healthy, nodePortDown: ['default/cluster'] } : healthy),
        checks: { kubeProxy: true, healthCheckNodePort: true, nodePort: true },
      }),
      want: ['n2', 'n3'],
    },
    {
      name: 'an IP outside every pool has no candidates',
      input: base({ services: [svc({ ips: ['198.18.9.9'], pool: undefined })] }),
      want: [],
    },
  ])('$name', ({ input, want }) => {
    const ip = input.services[0]?.ips[0] ?? IP;
    const got = electOwners(input).get(ip);
    expect([...(got?.ranking ?? [])].sort()).toEqual(want);
    expect(got?.owner).toBe(
      all.find((n) => want.includes(n)) === undefined ? undefined : rankCandidates(ip, want)[0],
    );
  });

  it('services sharing an IP share one owner, chosen among nodes serving all of them', () => {
    const a = svc({ key: 'default/a', local: true });
    const b = svc({ key: 'default/b', local: true });
    const out = electOwners(
      base({
        services: [a, b],
        facts: (n) => ({
          ...healthy,
          localEndpoints: n === 'n3' ? ['default/a', 'default/b'] : ['default/a'],
        }),
      }),
    );
    expect(out.get(IP)?.services).toEqual(['default/a', 'default/b']);
    expect(out.get(IP)?.owner).toBe('n3');
  });

  describe('one owner per group of addresses (issue 18, finding 4)', () => {
    const V6 = '2001:db8::a'; // ranked alone, its owner differs from IP's (checked below)
    const dual = buildConfig(
      [{ metadata: { name: 'lan' }, spec: { addresses: ['198.18.1.0/24', '2001:db8::/64'] } }],
      [{ metadata: { name: 'lan' }, spec: {} }],
    );
    it('the per-address owners would differ, so the rows below can fail', () => {
      expect(rankCandidates(IP, ['n1', 'n2', 'n3'])[0]).not.toBe(rankCandidates(V6, ['n1', 'n2', 'n3'])[0]);
    });
    it.each<{ name: string; input: ElectionInput; want: Record<string, string | undefined> }>([
      {
        name: 'both addresses of a dual-stack Service go to one node, ranked by the lower address',
        input: base({ config: dual, services: [svc({ ips: [IP, V6] })] }),
        want: {
          [IP]: rankCandidates(IP, ['n1', 'n2', 'n3'])[0],
          [V6]: rankCandidates(IP, ['n1', 'n2', 'n3'])[0],
        },
      },
      {
        name: 'a Service sharing the IPv6 address of a dual-stack one joins its group',
        input: base({
          config: dual,
          services: [svc({ key: 'default/a', ips: [IP, V6] }), svc({ key: 'default/b', ips: [V6] })],
        }),
        want: {
          [IP]: rankCandidates(IP, ['n1', 'n2', 'n3'])[0],
          [V6]: rankCandidates(IP, ['n1', 'n2', 'n3'])[0],
        },
      },
      {
        name: 'the group owner must be able to announce every address: IPv6 only advertised on n2 and n3',
        input: base({
          config: buildConfig(
            [
              { metadata: { name: 'v4' }, spec: { addresses: ['198.18.1.0/24'] } },
              { metadata: { name: 'v6' }, spec: { addresses: ['2001:db8::/64'] } },
            ],
            [
              { metadata: { name: 'v4' }, spec: { ipAddressPools: ['v4'] } },
              {
                metadata: { name: 'v6' },
                spec: { ipAddressPools: ['v6'], nodeSelectors: [{ matchLabels: { v6: 'yes' } }] },
              },
            ],
          ),
          nodes: nodes.map((n) => ({
            ...n,
            labels: { ...n.labels, ...(n.name === 'n1' ? {} : { v6: 'yes' }) },
          })),
          services: [svc({ ips: [IP, V6], pool: undefined })],
        }),
        want: { [IP]: rankCandidates(IP, ['n2', 'n3'])[0], [V6]: rankCandidates(IP, ['n2', 'n3'])[0] },
      },
      {
        name: 'no node can announce both (disjoint advertisements): each address gets its own owner',
        input: base({
          config: buildConfig(
            [
              { metadata: { name: 'v4' }, spec: { addresses: ['198.18.1.0/24'] } },
              { metadata: { name: 'v6' }, spec: { addresses: ['2001:db8::/64'] } },
            ],
            [
              {
                metadata: { name: 'v4' },
                spec: { ipAddressPools: ['v4'], nodeSelectors: [{ matchLabels: { v6: 'no' } }] },
              },
              {
                metadata: { name: 'v6' },
                spec: { ipAddressPools: ['v6'], nodeSelectors: [{ matchLabels: { v6: 'yes' } }] },
              },
            ],
          ),
          nodes: nodes.map((n) => ({ ...n, labels: { v6: n.name === 'n1' ? 'no' : 'yes' } })),
          services: [svc({ ips: [IP, V6], pool: undefined })],
        }),
        want: { [IP]: 'n1', [V6]: rankCandidates(V6, ['n2', 'n3'])[0] },
      },
    ])('$name', ({ input, want }) => {
      const out = electOwners(input);
      expect(Object.fromEntries([...out].map(([ip, o]) => [ip, o.owner]))).toEqual(want);
    });
  });

  describe('serviceSelectors: an advertisement applies only to the Services it selects', () => {
    // One advertisement from every node for Services labelled expose=edge, one from n3 alone for all.
    const selective = buildConfig(
      [{ metadata: { name: 'lan' }, spec: { addresses: ['198.18.1.0/24'] } }],
      [
        {
          metadata: { name: 'edge' },
          spec: { ipAddressPools: ['lan'], serviceSelectors: [{ matchLabels: { expose: 'edge' } }] },
        },
        {
          metadata: { name: 'n3-only' },
          spec: { ipAddressPools: ['lan'], nodeSelectors: [{ matchLabels: { host: 'n3' } }] },
        },
      ],
    );
    const hosts = nodes.map((n) => ({ ...n, labels: { ...n.labels, host: n.name } }));
    const everywhere = new Set(['n1', 'n2', 'n3']);
    const edge = { expose: 'edge' };
    it.each<{ name: string; input: ElectionInput; want: string[] }>([
      {
        name: 'a Service the selector matches: every node',
        input: base({
          config: selective,
          nodes: hosts,
          services: [svc({ labels: edge, endpointNodes: everywhere })],
        }),
        want: ['n1', 'n2', 'n3'],
      },
      {
        name: 'a Service it does not match: only the advertisement without selectors (n3)',
        input: base({
          config: selective,
          nodes: hosts,
          services: [svc({ labels: { expose: 'inner' }, endpointNodes: everywhere })],
        }),
        want: ['n3'],
      },
      {
        name: 'an IP shared with a Service it does not select is not announced through it',
        input: base({
          config: selective,
          nodes: hosts,
          services: [
            svc({ key: 'default/a', labels: edge, endpointNodes: everywhere }),
            svc({ key: 'default/b', endpointNodes: everywhere }),
          ],
        }),
        want: ['n3'],
      },
      {
        name: 'an IP shared by Services it all selects is',
        input: base({
          config: selective,
          nodes: hosts,
          services: [
            svc({ key: 'default/a', labels: edge, endpointNodes: everywhere }),
            svc({ key: 'default/b', labels: { ...edge, app: 'b' }, endpointNodes: everywhere }),
          ],
        }),
        want: ['n1', 'n2', 'n3'],
      },
      {
        name: 'no advertisement selects the Service: nobody announces',
        input: base({
          config: buildConfig(
            [{ metadata: { name: 'lan' }, spec: { addresses: ['198.18.1.0/24'] } }],
            [
              {
                metadata: { name: 'edge' },
                spec: { serviceSelectors: [{ matchLabels: { expose: 'edge' } }] },
              },
            ],
          ),
          services: [svc({ endpointNodes: everywhere })],
        }),
        want: [],
      },
    ])('$name', ({ input, want }) => {
      expect([...(electOwners(input).get(IP)?.ranking ?? [])].sort()).toEqual(want);
    });
  });

  it('reports the interfaces the advertisement names', () => {
    const cfg = buildConfig(
      [{ metadata: { name: 'lan' }, spec: { addresses: ['198.18.1.0/24'] } }],
      [{ metadata: { name: 'lan' }, spec: { interfaces: ['eth1'] } }],
    );
    const out = electOwners(base({ config: cfg }));
    expect(out.get(IP)?.interfaces.get('n1')).toEqual(new Set(['eth1']));
  });
});
