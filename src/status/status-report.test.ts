import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { formatTable, statusReport } from './status-report.js';

const lb = (name: string, over: Partial<V1Service> = {}): V1Service => ({
  metadata: { name, namespace: 'default', annotations: {} },
  spec: { type: 'LoadBalancer' },
  ...over,
});

const NOW = Date.parse('2026-12-02T04:00:00Z');

describe('statusReport', () => {
  it('explains pending, announced and foreign Services', () => {
    const services: V1Service[] = [
      lb('ok', {
        metadata: {
          name: 'ok',
          namespace: 'default',
          annotations: { 'barelb.io/ip-allocated-from-pool': 'lan' },
        },
        status: { loadBalancer: { ingress: [{ ip: '198.18.1.10' }] } },
      }),
      lb('waiting'),
      lb('unannounced', { status: { loadBalancer: { ingress: [{ ip: '198.18.1.11' }] } } }),
      lb('other', { spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/x' } }),
      { metadata: { name: 'cip', namespace: 'default' }, spec: { type: 'ClusterIP' } },
      lb('orphaned', { status: { loadBalancer: { ingress: [{ ip: '198.18.1.12' }] } } }),
    ];
    const events: CoreV1Event[] = [
      {
        metadata: {},
        involvedObject: { namespace: 'default', name: 'waiting' },
        reason: 'AllocationFailed',
        message: 'pool "lan" is exhausted',
        lastTimestamp: new Date(2),
      },
    ];
    const l2 = [
      { status: { serviceNamespace: 'default', serviceName: 'ok', node: 'n2', interfaces: ['eth0'] } },
      // Announced by n3, whose speaker was killed: its Lease ran out.
      { status: { serviceNamespace: 'default', serviceName: 'orphaned', node: 'n3', interfaces: ['eth0'] } },
    ];
    const leases = [
      {
        metadata: { name: 'barelb-speaker-n2' },
        spec: { holderIdentity: 'n2', renewTime: new Date(NOW - 1_000), leaseDurationSeconds: 6 },
      },
      {
        metadata: { name: 'barelb-speaker-n3' },
        spec: { holderIdentity: 'n3', renewTime: new Date(NOW - 30_000), leaseDurationSeconds: 6 },
      },
    ];
    const pools = [
      {
        metadata: { name: 'lan' },
        spec: { addresses: ['198.18.1.0/24'] },
        status: { assignedIPv4: 2, availableIPv4: '254', conditions: [{ type: 'Ready', status: 'True' }] },
      },
    ];
    const r = statusReport({
      pools,
      services,
      l2,
      events,
      leases,
      lbClass: 'barelb.io/barelb',
      namespace: 'barelb-system',
      now: NOW,
    });
    expect(r.pools).toEqual([
      { name: 'lan', addresses: ['198.18.1.0/24'], assigned: 2, available: '254', ready: 'True', reason: '' },
    ]);
    expect(r.services.map((s) => [s.service, s.ips, s.node, s.note])).toEqual([
      ['default/ok', '198.18.1.10', 'n2 (eth0)', ''],
      [
        'default/orphaned',
        '198.18.1.12',
        'n3 (eth0) [stale]',
        'stale: the speaker on n3 last renewed its Lease 30 s ago; nobody may be answering',
      ],
      ['default/other', '<pending>', '', "class example.com/x: not BareLB's"],
      [
        'default/unannounced',
        '198.18.1.11',
        '',
        'not announced: no node may announce it; check that it has ready endpoints (kubectl get endpointslices -n default -l kubernetes.io/service-name=unannounced) and that an L2Advertisement covers its pool and selects it',
      ],
      ['default/waiting', '<pending>', '', 'pending: pool "lan" is exhausted'],
    ]);
  });

  it('warns when the namespace holds no pools (the wrong --namespace)', () => {
    const held = lb('x', {
      metadata: {
        name: 'x',
        namespace: 'default',
        annotations: { 'barelb.io/ip-allocated-from-pool': 'lan' },
      },
    });
    const r = statusReport({
      pools: [],
      services: [held],
      l2: [],
      events: [],
      leases: [],
      lbClass: 'barelb.io/barelb',
      namespace: 'metallb-system',
      now: NOW,
    });
    expect(r.warnings).toEqual([
      "no IPAddressPool in namespace metallb-system, though Services hold BareLB addresses: BareLB's objects live where its controller was told (--namespace; the default is barelb-system)",
    ]);
  });

  it('formats aligned columns', () => {
    expect(formatTable(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y');
  });
});
