import { describe, expect, it } from 'vitest';
import { formatAddress } from '../net/address.js';
import { Allocator } from './allocator.js';
import { addr, ips, pools, req, type Svc } from './fixtures.test-support.js';

const held = (a: Allocator, name: string) => {
  const h = a.assignmentOf(`default/${name}`);
  return h ? `${h.ips.map(formatAddress).join(',')}@${h.pool}` : 'nothing';
};

type Spec = [string, Record<string, unknown>];

// Issue 18, findings 1 and 2: a config change keeps an allocation while any valid pool admits it
// (MetalLB's SetPools), and the pool name follows; only what no pool admits is released.
describe('Allocator: pools change under live Services', () => {
  const cases: { name: string; before: Spec[]; svc: Svc; after: Spec[]; lost: string[]; want: string }[] = [
    {
      name: 'a pool renamed (same range under a new name): kept, the pool follows',
      before: [['old', { addresses: ['198.18.0.0/29'] }]],
      svc: { name: 's' },
      after: [['new', { addresses: ['198.18.0.0/29'] }]],
      lost: [],
      want: '198.18.0.0@new',
    },
    {
      name: 'a pool deleted while a wider pool covers the address: kept, moved to the wider pool',
      before: [['narrow', { addresses: ['198.18.0.0/30'] }]],
      svc: { name: 's' },
      after: [['wide', { addresses: ['198.18.0.0/24'] }]],
      lost: [],
      want: '198.18.0.0@wide',
    },
    {
      name: 'a requested IP whose pool is replaced by a covering one: kept',
      before: [['old', { addresses: ['198.18.0.0/29'] }]],
      svc: { name: 's', ann: { 'barelb.io/loadBalancerIPs': '198.18.0.5' } },
      after: [['new', { addresses: ['198.18.0.0/28'] }]],
      lost: [],
      want: '198.18.0.5@new',
    },
    {
      name: 'the covering pool does not serve the namespace: lost',
      before: [['old', { addresses: ['198.18.0.0/29'] }]],
      svc: { name: 's' },
      after: [['new', { addresses: ['198.18.0.0/29'], serviceAllocation: { namespaces: ['other'] } }]],
      lost: ['default/s'],
      want: 'nothing',
    },
    {
      name: 'the covering pool does not auto-assign: kept (autoAssign governs new picks only)',
      before: [['old', { addresses: ['198.18.0.0/29'] }]],
      svc: { name: 's' },
      after: [['manual', { addresses: ['198.18.0.0/29'], autoAssign: false }]],
      lost: [],
      want: '198.18.0.0@manual',
    },
    {
      name: 'the Service names its pool, which is renamed: lost (it asked for that pool)',
      before: [['old', { addresses: ['198.18.0.0/29'] }]],
      svc: { name: 's', ann: { 'barelb.io/address-pool': 'old' } },
      after: [['new', { addresses: ['198.18.0.0/29'] }]],
      lost: ['default/s'],
      want: 'nothing',
    },
    {
      name: 'the pool shrinks past the address: lost',
      before: [['p', { addresses: ['198.18.0.0/29'] }]],
      svc: { name: 's', ann: { 'barelb.io/loadBalancerIPs': '198.18.0.6' } },
      after: [['p', { addresses: ['198.18.0.0/30'] }]],
      lost: ['default/s'],
      want: 'nothing',
    },
    {
      name: 'every pool deleted: lost',
      before: [['p', { addresses: ['198.18.0.0/29'] }]],
      svc: { name: 's' },
      after: [],
      lost: ['default/s'],
      want: 'nothing',
    },
  ];
  it.each(cases)('$name', ({ before, svc, after, lost, want }) => {
    const a = new Allocator();
    a.setPools(pools(...before));
    expect(a.allocate(req(svc)).ok).toBe(true);
    expect(a.setPools(pools(...after))).toEqual(lost);
    expect(held(a, svc.name)).toBe(want);
  });
});

// Issue 18, finding 1: a release is decided at once but written later; until the write is confirmed,
// nobody who may not share the address gets it.
describe('Allocator: releases wait for their write', () => {
  const p = () => pools(['p', { addresses: ['198.18.0.0/31'] }]);
  const want = (ip: string) => ({ 'barelb.io/loadBalancerIPs': ip });

  it('a lost address is not handed out until its release is confirmed, then it is', () => {
    const a = new Allocator();
    a.setPools(p());
    a.allocate(req({ name: 'a', ann: want('198.18.0.0') }));
    expect(a.setPools([])).toEqual(['default/a']);
    a.setPools(p()); // the pool is back before a's status was rewritten
    const early = a.allocate(req({ name: 'b', ann: want('198.18.0.0') }));
    expect(early.ok ? '' : early.message).toMatch(/used by default\/a.*not written yet/);
    expect(ips(a.allocate(req({ name: 'c' })))).toEqual(['198.18.0.1']); // the free one, not .0
    expect(a.releasePending('default/a')).toBe(true);
    expect(a.confirmReleased('default/a').map(formatAddress)).toEqual(['198.18.0.0']);
    expect(ips(a.allocate(req({ name: 'b', ann: want('198.18.0.0') })))).toEqual(['198.18.0.0']);
  });

  it('a write decided before the release does not confirm it', () => {
    const a = new Allocator();
    a.setPools(p());
    a.allocate(req({ name: 'a' }));
    const mark = a.mark(); // a's write [198.18.0.0] is decided and in flight...
    a.setPools([]); // ...when a config change takes the address away
    a.setPools(p());
    expect(a.confirmReleased('default/a', mark)).toEqual([]); // that write still showed the address
    expect(a.allocate(req({ name: 'b', ann: want('198.18.0.0') })).ok).toBe(false);
    expect(a.confirmReleased('default/a', a.mark()).map(formatAddress)).toEqual(['198.18.0.0']);
  });

  it('the releasing Service may take its own address back, and holding it ends the quarantine', () => {
    const a = new Allocator();
    a.setPools(p());
    const s = req({ name: 'a' });
    a.allocate(s);
    a.release(s.key);
    expect(a.assign(s, [addr('198.18.0.0')]).ok).toBe(true);
    expect(a.releasePending(s.key)).toBe(false);
    expect(a.usage('p')?.assigned.IPv4).toBe(1);
  });

  it('a Service sharing the key may join an address whose other holder is being released', () => {
    const a = new Allocator();
    a.setPools(p());
    const shared = { 'barelb.io/allow-shared-ip': 'k' };
    a.allocate(req({ name: 'a', ann: shared, ports: [80] }));
    a.release('default/a');
    const joined = a.allocate(req({ name: 'b', ann: { ...shared, ...want('198.18.0.0') }, ports: [443] }));
    expect(ips(joined)).toEqual(['198.18.0.0']);
    const clash = a.allocate(req({ name: 'c', ann: { ...shared, ...want('198.18.0.0') }, ports: [80] }));
    expect(clash.ok ? '' : clash.reason).toBe('PortClash'); // a's port 80 is still shown on it
    a.confirmReleased('default/a');
    expect(a.usage('p')?.assigned.IPv4).toBe(1); // b still holds it
  });

  it('moving a Service to another address quarantines the old one', () => {
    const a = new Allocator();
    a.setPools(p());
    a.allocate(req({ name: 'a' }));
    expect(ips(a.allocate(req({ name: 'a', ann: want('198.18.0.1') })))).toEqual(['198.18.0.1']);
    expect(a.allocate(req({ name: 'b' })).ok).toBe(false); // .0 is still shown on a
    a.confirmReleased('default/a', a.mark());
    expect(ips(a.allocate(req({ name: 'b' })))).toEqual(['198.18.0.0']);
  });
});
