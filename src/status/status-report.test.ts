import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { formatTable, statusReport } from './status-report.js';

const lb = (name: string, over: Partial<V1Service> = {}): V1Service => ({
  metadata: { name, namespace: 'default', annotations: {} },
  spec: { type: 'LoadBalancer' },
  ...over,
});

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
    ];
    const pools = [
      {
        metadata: { name: 'lan' },
        spec: { addresses: ['198.18.1.0/24'] },
        status: { assignedIPv4: 2, availableIPv4: '254', conditions: [{ type: 'Ready', status: 'True' }] },
      },
    ];
    const r = statusReport(pools, services, l2, events, 'barelb.io/barelb');
    expect(r.pools).toEqual([
      { name: 'lan', addresses: ['198.18.1.0/24'], assigned: 2, available: '254', ready: 'True', reason: '' },
    ]);
    expect(r.services.map((s) => [s.service, s.ips, s.node, s.note])).toEqual([
      ['default/ok', '198.18.1.10', 'n2 (eth0)', ''],
      ['default/other', '<pending>', '', "class example.com/x: not BareLB's"],
      [
        'default/unannounced',
        '198.18.1.11',
        '',
        'not announced: no healthy node (see speaker logs and Events)',
      ],
      ['default/waiting', '<pending>', '', 'pending: pool "lan" is exhausted'],
    ]);
  });

  it('formats aligned columns', () => {
    expect(formatTable(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y');
  });
});
