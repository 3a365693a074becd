import { describe, expect, it } from 'vitest';
import type { ServiceView } from '../election/candidates.js';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import { bgpInputs, nodeAddresses } from './bgp-inputs.js';

const facts = (o: Partial<NodeFacts> = {}): NodeFacts => ({
  kubeProxyHealthy: true,
  localEndpoints: [],
  nodePortDown: [],
  leaving: false,
  ...o,
});
const node = (excluded?: string) => ({ name: 'n1', labels: { rack: 'a' }, excluded });
const svc = (key: string, o: Partial<ServiceView> = {}): ServiceView => ({
  key,
  ips: ['198.18.1.10'],
  pool: 'lan',
  local: false,
  endpointNodes: new Set(['n2']),
  labels: {},
  ...o,
});
const checks = { kubeProxy: true, healthCheckNodePort: true, nodePort: false };

describe('bgpInputs', () => {
  it.each([
    { name: 'healthy', nodes: [node()], f: facts(), want: true },
    { name: 'kube-proxy down', nodes: [node()], f: facts({ kubeProxyHealthy: false }), want: false },
    { name: 'leaving (speaker stopping)', nodes: [node()], f: facts({ leaving: true }), want: false },
    { name: 'warming up', nodes: [node()], f: facts({ warmingUp: true }), want: false },
    {
      name: 'excluded by label',
      nodes: [node('node.kubernetes.io/exclude-from-external-load-balancers')],
      f: facts(),
      want: false,
    },
    { name: 'not in the Node list', nodes: [], f: facts(), want: false },
  ])('self healthy: $name -> $want', ({ nodes, f, want }) => {
    const r = bgpInputs('n1', nodes, f, [], checks);
    expect(r.self.healthy).toBe(want);
    expect(r.self.labels).toEqual(nodes.length ? { rack: 'a' } : {});
  });

  it.each([
    { name: 'Cluster with an endpoint elsewhere', s: svc('a'), f: facts(), want: true },
    {
      name: 'Cluster with no endpoint at all',
      s: svc('a', { endpointNodes: new Set() }),
      f: facts(),
      want: false,
    },
    {
      name: 'Local, healthCheckNodePort says a local endpoint',
      s: svc('a', { local: true }),
      f: facts({ localEndpoints: ['a'] }),
      want: true,
    },
    {
      name: 'Local, none here',
      s: svc('a', { local: true, endpointNodes: new Set(['n1']) }),
      f: facts(),
      want: false,
    },
  ])('served here: $name -> $want', ({ s, f, want }) => {
    const r = bgpInputs('n1', [node()], f, [s], checks);
    expect(r.services).toEqual([{ key: 'a', ips: ['198.18.1.10'], pool: 'lan', servedHere: want }]);
  });
});

describe('nodeAddresses', () => {
  const a = (type: string, address: string) => ({ type, address });
  it.each([
    { name: 'none', addrs: [], want: { IPv4: undefined, IPv6: undefined } },
    {
      name: 'dual-stack InternalIPs',
      addrs: [a('Hostname', 'n1'), a('InternalIP', '198.18.0.11'), a('InternalIP', '2002:c612::b')],
      want: { IPv4: '198.18.0.11', IPv6: '2002:c612::b' },
    },
    {
      name: 'InternalIP before ExternalIP, whatever the order',
      addrs: [a('ExternalIP', '198.19.0.1'), a('InternalIP', '198.18.0.11')],
      want: { IPv4: '198.18.0.11', IPv6: undefined },
    },
    {
      name: 'ExternalIP when there is no InternalIP of the family',
      addrs: [a('InternalIP', '198.18.0.11'), a('ExternalIP', '2002:c612::b')],
      want: { IPv4: '198.18.0.11', IPv6: '2002:c612::b' },
    },
    {
      name: 'not an address',
      addrs: [a('InternalIP', 'n1.lab')],
      want: { IPv4: undefined, IPv6: undefined },
    },
  ])('$name', ({ addrs, want }) => {
    expect(nodeAddresses(addrs)).toEqual(want);
  });
});
