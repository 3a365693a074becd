import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ips, pools, req } from '../allocator/fixtures.test-support.js';
import { Allocator } from '../allocator/index.js';
import { rebuildAllocator } from './rebuild.js';
import { DEFAULT_LB_CLASS } from './service-class.js';

const svc = (name: string, created: string, ingress: string[], lbClass?: string): V1Service => ({
  metadata: { name, namespace: 'default', creationTimestamp: new Date(created), annotations: {} },
  spec: {
    type: 'LoadBalancer',
    ports: [{ port: 80, protocol: 'TCP' }],
    selector: { app: name },
    ...(lbClass ? { loadBalancerClass: lbClass } : {}),
  },
  status: { loadBalancer: { ingress: ingress.map((ip) => ({ ip })) } },
});

/** As the controller's cache holds it: the API server's RFC 3339 text, not a Date (k8s/trim.ts). */
const asText = (s: V1Service, created: string): V1Service =>
  ({ ...s, metadata: { ...s.metadata, creationTimestamp: created } }) as unknown as V1Service;

describe('rebuildAllocator', () => {
  it.each([
    {
      name: 'restores what status shows, so the next pick skips it',
      services: [svc('a', '2026-01-01', ['198.18.0.0']), svc('b', '2026-01-02', ['198.18.0.2'])],
      want: { assigned: 2, refused: [], held: { a: '198.18.0.0', b: '198.18.0.2' }, next: '198.18.0.1' },
    },
    {
      name: 'two claim one address (a hand edit): the older keeps it, whatever the list order',
      services: [svc('young', '2026-03-01', ['198.18.0.1']), svc('old', '2026-01-01', ['198.18.0.1'])],
      want: { assigned: 1, refused: ['default/young'], held: { old: '198.18.0.1' }, next: '198.18.0.0' },
    },
    {
      name: 'created in the same second (a burst): the first by namespace/name keeps it, whatever the list order',
      services: [svc('b', '2026-01-01', ['198.18.0.1']), svc('a', '2026-01-01', ['198.18.0.1'])],
      want: { assigned: 1, refused: ['default/b'], held: { a: '198.18.0.1' }, next: '198.18.0.0' },
    },
    {
      name: 'timestamps as the API server writes them sort by time',
      services: [
        asText(svc('late', '2026-01-01', ['198.18.0.1']), '2026-01-01T10:00:00Z'),
        asText(svc('early', '2026-01-01', ['198.18.0.1']), '2026-01-01T09:59:59Z'),
      ],
      want: { assigned: 1, refused: ['default/late'], held: { early: '198.18.0.1' }, next: '198.18.0.0' },
    },
    {
      name: 'another class and Services without addresses are not restored',
      services: [svc('other', '2026-01-01', ['198.18.0.0'], 'example.com/x'), svc('none', '2026-01-01', [])],
      want: { assigned: 0, refused: [], held: {}, next: '198.18.0.0' },
    },
    {
      name: 'an address outside every pool is refused, to be reconciled after',
      services: [svc('out', '2026-01-01', ['198.18.9.9'])],
      want: { assigned: 0, refused: ['default/out'], held: {}, next: '198.18.0.0' },
    },
  ])('$name', ({ services, want }) => {
    const alloc = new Allocator();
    alloc.setPools(pools(['p', { addresses: ['198.18.0.0/30'] }]));
    const r = rebuildAllocator(alloc, services, DEFAULT_LB_CLASS, () => ({}));
    expect({ assigned: r.assigned, refused: r.refused }).toEqual({
      assigned: want.assigned,
      refused: want.refused,
    });
    const held = Object.fromEntries(
      services.flatMap((s) => {
        const h = alloc.assignmentOf(`default/${s.metadata?.name}`);
        return h ? [[s.metadata?.name, ips({ ok: true, ips: h.ips })[0]]] : [];
      }),
    );
    expect(held).toEqual(want.held);
    expect(ips(alloc.allocate(req({ name: 'new' })))).toEqual([want.next]);
  });
});
