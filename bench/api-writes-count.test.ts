import { describe, expect, it } from 'vitest';
import { type AuditEvent, countWrites, resourceOf, writerOf, writesReport } from './api-writes-count.js';

const nodeByIp = new Map([
  ['198.18.0.11', 'n1'],
  ['198.18.0.12', 'n2'],
]);
const T0 = Date.parse('2026-12-02T10:00:00Z');
const ev = (over: Partial<AuditEvent> & { at?: number } = {}): string =>
  JSON.stringify({
    kind: 'Event',
    verb: 'update',
    user: { username: 'admin' },
    impersonatedUser: { username: 'system:serviceaccount:barelb-system:barelb-speaker' },
    sourceIPs: ['198.18.0.11'],
    objectRef: { resource: 'leases', apiGroup: 'coordination.k8s.io' },
    requestReceivedTimestamp: new Date(over.at ?? T0 + 1_000).toISOString(),
    ...over,
  });

describe('writerOf', () => {
  it.each<{ name: string; e: AuditEvent; want: string }>([
    {
      name: 'a speaker, impersonated by the lab, by its node address',
      e: JSON.parse(ev()) as AuditEvent,
      want: 'speaker n1',
    },
    {
      name: 'a speaker with its own token (a real node), from an unknown address',
      e: {
        user: { username: 'system:serviceaccount:barelb-system:barelb-speaker' },
        sourceIPs: ['10.0.0.9'],
      },
      want: 'speaker 10.0.0.9',
    },
    {
      name: 'the controller',
      e: {
        user: { username: 'admin' },
        impersonatedUser: { username: 'system:serviceaccount:barelb-system:barelb-controller' },
      },
      want: 'controller',
    },
    {
      name: "MetalLB's speaker, by its node address",
      e: {
        user: { username: 'admin' },
        impersonatedUser: { username: 'system:serviceaccount:metallb-system:speaker' },
        sourceIPs: ['198.18.0.12'],
      },
      want: 'metallb speaker n2',
    },
    {
      name: "MetalLB's controller",
      e: { impersonatedUser: { username: 'system:serviceaccount:metallb-system:controller' } },
      want: 'metallb controller',
    },
    {
      name: "the apiserver's own Lease",
      e: { user: { username: 'system:apiserver' } },
      want: 'system:apiserver',
    },
  ])('$name', ({ e, want }) => {
    expect(writerOf(e, nodeByIp)).toBe(want);
  });
});

describe('resourceOf', () => {
  it.each<{ e: AuditEvent; want: string }>([
    { e: { objectRef: { resource: 'leases', apiGroup: 'coordination.k8s.io' } }, want: 'leases' },
    { e: { objectRef: { resource: 'services', subresource: 'status' } }, want: 'services/status' },
    {
      e: { objectRef: { resource: 'servicel2statuses', apiGroup: 'barelb.io' } },
      want: 'servicel2statuses.barelb.io',
    },
    { e: {}, want: '?' },
  ])('$want', ({ e, want }) => {
    expect(resourceOf(e)).toBe(want);
  });
});

describe('countWrites', () => {
  it('counts the window only, by writer and resource, skipping lines that are not JSON', () => {
    const lines = [
      ev({ at: T0 - 1 }),
      ev({ at: T0 }),
      ev({ at: T0 + 59_999 }),
      ev({ at: T0 + 60_000 }),
      ev({ sourceIPs: ['198.18.0.12'], objectRef: { resource: 'events' } }),
      '',
      'not json',
    ];
    const got = countWrites(lines, T0, T0 + 60_000, nodeByIp);
    expect(got).toEqual(
      new Map([
        ['speaker n1', new Map([['leases', 2]])],
        ['speaker n2', new Map([['events', 1]])],
      ]),
    );
  });
});

describe('writesReport', () => {
  it('prints rates per writer, per speaker node, per resource and in total', () => {
    const counts = new Map([
      ['system:apiserver', new Map([['leases', 6]])],
      ['controller', new Map([['leases', 30]])],
      ['speaker n1', new Map([['leases', 6]])],
      [
        'speaker n2',
        new Map([
          ['leases', 6],
          ['servicel2statuses.barelb.io', 1],
        ]),
      ],
    ]);
    const out = writesReport(counts, 60, ['n1', 'n2']).join('\n');
    expect(out).toContain('speaker writes per node: n1 0.100/s, n2 0.117/s; max 0.117/s');
    expect(out).toContain('controller writes: 0.500/s');
    expect(out).toContain('all writers, per resource: leases 48, servicel2statuses.barelb.io 1');
    expect(out).toContain('total: BareLB 0.717/s (speakers 0.217/s), every writer 0.817/s');
    // Speakers first, then the controller, then the others.
    expect(out.indexOf('  speaker n1')).toBeLessThan(out.indexOf('  controller'));
    expect(out.indexOf('  controller')).toBeLessThan(out.indexOf('  system:apiserver'));
  });
});
