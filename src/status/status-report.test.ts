import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { formatTable, renderStatus, statusReport } from './status-report.js';

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

  describe('BGP mode', () => {
    const inBgpPool = lb('web', {
      metadata: {
        name: 'web',
        namespace: 'default',
        annotations: { 'barelb.io/ip-allocated-from-pool': 'bgp' },
      },
      status: { loadBalancer: { ingress: [{ ip: '198.18.13.1' }] } },
    });
    const pools = [
      { metadata: { name: 'bgp' }, spec: { addresses: ['198.18.13.0/28'] } },
      { metadata: { name: 'racks', labels: { via: 'bgp' } }, spec: { addresses: ['198.18.14.0/28'] } },
      { metadata: { name: 'lan' }, spec: { addresses: ['198.18.1.0/24'] } },
    ];
    const session = (peer: string, node: string, state: string, message = '') => ({
      status: {
        peer,
        node,
        state,
        conditions: [
          {
            type: 'Established',
            status: state === 'Established' ? 'True' : 'False',
            reason: state,
            message,
            lastTransitionTime: '2026-12-02T03:59:00Z',
          },
        ],
      },
    });
    const report = (ads: unknown[], sessions: unknown[], services: V1Service[] = [inBgpPool]) =>
      statusReport({
        pools,
        services,
        l2: [],
        events: [],
        leases: [],
        bgpAdvertisements: ads,
        bgpSessions: sessions,
        lbClass: 'barelb.io/barelb',
        namespace: 'barelb-system',
        now: NOW,
      });
    const byName = { metadata: { name: 'bgp' }, spec: { ipAddressPools: ['bgp'] } };
    const bySelector = {
      metadata: { name: 'racks' },
      spec: { ipAddressPoolSelectors: [{ matchLabels: { via: 'bgp' } }] },
    };

    it.each([
      {
        name: 'covered by name, two sessions up',
        ads: [byName],
        sessions: [session('router', 'n2', 'Established'), session('router', 'n1', 'Established')],
        want: ['BGP: n1,n2', ''],
      },
      {
        name: 'covered, one node up, one down',
        ads: [byName],
        sessions: [
          session('router', 'n1', 'Established'),
          session('router', 'n2', 'Down', 'hold timer expired'),
        ],
        want: ['BGP: n1', ''],
      },
      {
        name: 'covered, no session up',
        ads: [byName],
        sessions: [session('router', 'n1', 'Down', 'peer AS 64513, configured 65000')],
        want: [
          'BGP: none',
          'BGP: no session is Established, so no router has a route to it (see BGP SESSIONS)',
        ],
      },
      {
        name: 'covered by an advertisement with no pools (every pool)',
        ads: [{ metadata: { name: 'all' }, spec: {} }],
        sessions: [session('router', 'n1', 'Established')],
        want: ['BGP: n1', ''],
      },
      {
        name: 'not covered by BGP: the layer 2 explanation',
        ads: [bySelector],
        sessions: [session('router', 'n1', 'Established')],
        want: ['', expect.stringContaining('not announced')],
      },
    ])('$name', ({ ads, sessions, want }) => {
      const row = report(ads, sessions).services[0];
      expect([row?.node, row?.note]).toEqual(want);
    });

    it('lists the sessions by peer and node, with why a session is not up', () => {
      const r = report(
        [byName],
        [session('router', 'n2', 'Down', 'hold timer expired'), session('router', 'n1', 'Established')],
      );
      expect(r.sessions).toEqual([
        { peer: 'router', node: 'n1', state: 'Established', since: '2026-12-02T03:59:00Z', reason: '' },
        {
          peer: 'router',
          node: 'n2',
          state: 'Down',
          since: '2026-12-02T03:59:00Z',
          reason: 'hold timer expired',
        },
      ]);
      expect(renderStatus(r)).toContain(
        'BGP SESSIONS\nPEER    NODE  STATE        SINCE                 REASON\nrouter  n1    Established  2026-12-02T03:59:00Z\nrouter  n2    Down         2026-12-02T03:59:00Z  hold timer expired\n',
      );
    });

    it('prints no BGP table where BGP is not in use', () => {
      expect(renderStatus(report([], [], []))).not.toContain('BGP');
    });
  });

  it('formats aligned columns', () => {
    expect(formatTable(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y');
  });
});
