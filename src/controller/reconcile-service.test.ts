import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { pools } from '../allocator/fixtures.test-support.js';
import { Allocator, serviceRequestFrom } from '../allocator/index.js';
import { reconcileService } from './reconcile-service.js';
import { DEFAULT_LB_CLASS, POOL_ANNOTATION } from './service-class.js';

// What one reconcile asks the shell to write, as a list of actions (the way sample-controller's tests
// assert API actions): the status patch, or none, and the Events.
const lan = () => pools(['lan', { addresses: ['198.18.0.0/30'] }]);

interface Shape {
  ingress?: { ip: string; ipMode?: string }[];
  pool?: string;
  lbClass?: string;
  type?: string;
}
const service = (s: Shape = {}): V1Service => ({
  metadata: {
    name: 's',
    namespace: 'default',
    resourceVersion: '7',
    annotations: s.pool ? { [POOL_ANNOTATION]: s.pool } : {},
  },
  spec: {
    type: s.type ?? 'LoadBalancer',
    ports: [{ port: 80, protocol: 'TCP' }],
    selector: { app: 's' },
    ...(s.lbClass ? { loadBalancerClass: s.lbClass } : {}),
  },
  status: { loadBalancer: { ingress: s.ingress ?? [] } },
});

/** The allocator as the row needs it before the reconcile. */
type Setup = (a: Allocator) => void;
const holds: Setup = (a) => {
  a.allocate(serviceRequestFrom(service(), {}));
};

describe('reconcileService: the writes it plans', () => {
  it.each<{ name: string; setup?: Setup; svc: V1Service | undefined; want: string[] }>([
    {
      name: 'a new Service: one status patch with ipMode VIP and the pool, and IPAllocated',
      svc: service(),
      want: [
        'patch ingress=198.18.0.0/VIP annotations={"barelb.io/ip-allocated-from-pool":"lan"}',
        'event Normal IPAllocated',
      ],
    },
    {
      name: 'already up to date: nothing',
      setup: holds,
      svc: service({ ingress: [{ ip: '198.18.0.0', ipMode: 'VIP' }], pool: 'lan' }),
      want: [],
    },
    {
      name: 'up to date on an API server that drops ipMode (before 1.30): nothing',
      setup: holds,
      svc: service({ ingress: [{ ip: '198.18.0.0' }], pool: 'lan' }),
      want: [],
    },
    {
      name: 'another ipMode (Proxy, set by someone else): rewritten to VIP',
      setup: holds,
      svc: service({ ingress: [{ ip: '198.18.0.0', ipMode: 'Proxy' }], pool: 'lan' }),
      want: ['patch ingress=198.18.0.0/VIP annotations={"barelb.io/ip-allocated-from-pool":"lan"}'],
    },
    {
      name: 'the pool was renamed under it: the annotation follows, the address stays',
      setup: (a) => {
        holds(a);
        a.setPools(pools(['renamed', { addresses: ['198.18.0.0/30'] }]));
      },
      svc: service({ ingress: [{ ip: '198.18.0.0', ipMode: 'VIP' }], pool: 'lan' }),
      want: ['patch ingress=198.18.0.0/VIP annotations={"barelb.io/ip-allocated-from-pool":"renamed"}'],
    },
    {
      name: 'no pool admits it any more: cleared, with AllocationFailed and IPReleased',
      setup: (a) => {
        holds(a);
        a.setPools([]);
      },
      svc: service({ ingress: [{ ip: '198.18.0.0', ipMode: 'VIP' }], pool: 'lan' }),
      want: [
        'patch ingress= annotations={"barelb.io/ip-allocated-from-pool":null}',
        'event Warning AllocationFailed',
        'event Normal IPReleased',
      ],
    },
    {
      name: 'a release waiting for its write forces one, even when the cache shows nothing to change',
      setup: (a) => {
        holds(a); // its patch failed (409), so the cache never showed the address...
        a.setPools([]); // ...and then its pool went away
      },
      svc: service(),
      want: [
        'patch ingress= annotations={"barelb.io/ip-allocated-from-pool":null}',
        'event Warning AllocationFailed',
      ],
    },
    {
      name: 'deleted: no write (the API shows nothing on it any more)',
      setup: holds,
      svc: undefined,
      want: [],
    },
    {
      name: 'moved to another loadBalancerClass: what we wrote is cleared',
      setup: holds,
      svc: service({
        ingress: [{ ip: '198.18.0.0', ipMode: 'VIP' }],
        pool: 'lan',
        lbClass: 'example.com/other',
      }),
      want: [
        'patch ingress= annotations={"barelb.io/ip-allocated-from-pool":null}',
        'event Normal ClearAssignment',
      ],
    },
    {
      name: 'another class, never ours: untouched',
      svc: service({ ingress: [{ ip: '203.0.113.9' }], lbClass: 'example.com/other' }),
      want: [],
    },
  ])('$name', ({ setup, svc, want }) => {
    const alloc = new Allocator();
    alloc.setPools(lan());
    setup?.(alloc);
    const plan = reconcileService(alloc, {
      key: 'default/s',
      svc,
      lbClass: DEFAULT_LB_CLASS,
      namespaceLabels: {},
    });
    const actions = [
      ...(plan.write
        ? [
            `patch ingress=${plan.write.ingress.map((i) => `${i.ip}/${i.ipMode}`).join(',')} annotations=${JSON.stringify(plan.write.annotations)}`,
          ]
        : []),
      ...plan.events.map((e) => `event ${e.type} ${e.reason}`),
    ];
    expect(actions).toEqual(want);
  });

  it('a deleted Service frees its addresses at once; a moved one only when its write is confirmed', () => {
    const alloc = new Allocator();
    alloc.setPools(lan());
    holds(alloc);
    expect(
      reconcileService(alloc, {
        key: 'default/s',
        svc: undefined,
        lbClass: DEFAULT_LB_CLASS,
        namespaceLabels: {},
      }).released,
    ).toBe(true);
    expect(alloc.usage('lan')?.assigned.IPv4).toBe(0);

    holds(alloc);
    alloc.setPools([]);
    reconcileService(alloc, {
      key: 'default/s',
      svc: service(),
      lbClass: DEFAULT_LB_CLASS,
      namespaceLabels: {},
    });
    alloc.setPools(lan());
    expect(alloc.usage('lan')?.assigned.IPv4).toBe(1); // quarantined until the write succeeds
    expect(alloc.confirmReleased('default/s', alloc.mark()).length).toBe(1);
    expect(alloc.usage('lan')?.assigned.IPv4).toBe(0);
  });
});
