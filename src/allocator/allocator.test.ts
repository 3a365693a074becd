import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PoolConfig } from '../config/types.js';
import { formatAddress } from '../net/address.js';
import { Allocator } from './allocator.js';
import { addr, ips, pools, req, type Svc } from './fixtures.test-support.js';

const lan = pools(['lan', { addresses: ['198.18.0.0/30'] }]);

describe('Allocator: single requests', () => {
  const cases: { name: string; pools: PoolConfig[]; svc: Svc; want: string[] | string }[] = [
    { name: 'lowest free address first', pools: lan, svc: { name: 'a' }, want: ['198.18.0.0'] },
    {
      name: 'avoidBuggyIPs skips .0',
      pools: pools(['p', { addresses: ['198.18.0.0/24'], avoidBuggyIPs: true }]),
      svc: { name: 'a' },
      want: ['198.18.0.1'],
    },
    {
      name: 'requested by annotation',
      pools: lan,
      svc: { name: 'a', ann: { 'barelb.io/loadBalancerIPs': '198.18.0.2' } },
      want: ['198.18.0.2'],
    },
    {
      name: 'requested by MetalLB annotation',
      pools: lan,
      svc: { name: 'a', ann: { 'metallb.universe.tf/loadBalancerIPs': '198.18.0.3' } },
      want: ['198.18.0.3'],
    },
    {
      name: 'requested by spec.loadBalancerIP',
      pools: lan,
      svc: { name: 'a', lbIp: '198.18.0.1' },
      want: ['198.18.0.1'],
    },
    {
      name: 'requested outside every pool',
      pools: lan,
      svc: { name: 'a', lbIp: '198.18.9.9' },
      want: 'IPOutsidePools',
    },
    {
      name: 'two IPs of one family',
      pools: lan,
      svc: { name: 'a', ann: { 'barelb.io/loadBalancerIPs': '198.18.0.1,198.18.0.2' } },
      want: 'InvalidRequest',
    },
    {
      name: 'garbage IP',
      pools: lan,
      svc: { name: 'a', ann: { 'barelb.io/loadBalancerIPs': 'nope' } },
      want: 'InvalidRequest',
    },
    {
      name: 'named pool',
      pools: pools(['a', { addresses: ['198.18.1.0/30'] }], ['b', { addresses: ['198.18.2.0/30'] }]),
      svc: { name: 's', ann: { 'barelb.io/address-pool': 'b' } },
      want: ['198.18.2.0'],
    },
    {
      name: 'unknown pool',
      pools: lan,
      svc: { name: 's', ann: { 'metallb.io/address-pool': 'nope' } },
      want: 'UnknownPool',
    },
    {
      name: 'autoAssign false is skipped',
      pools: pools(['a', { addresses: ['198.18.1.0/30'], autoAssign: false }]),
      svc: { name: 's' },
      want: 'NoPoolForService',
    },
    {
      name: 'autoAssign false serves a named request',
      pools: pools(['a', { addresses: ['198.18.1.0/30'], autoAssign: false }]),
      svc: { name: 's', ann: { 'barelb.io/address-pool': 'a' } },
      want: ['198.18.1.0'],
    },
    {
      name: 'lower priority number wins, unset last',
      pools: pools(
        ['a', { addresses: ['198.18.1.0/30'] }],
        ['b', { addresses: ['198.18.2.0/30'], serviceAllocation: { priority: 5 } }],
        ['c', { addresses: ['198.18.3.0/30'], serviceAllocation: { priority: 1 } }],
      ),
      svc: { name: 's' },
      want: ['198.18.3.0'],
    },
    {
      name: 'namespace pinning',
      pools: pools(['a', { addresses: ['198.18.1.0/30'], serviceAllocation: { namespaces: ['x'] } }]),
      svc: { name: 's', ns: 'y' },
      want: 'NoPoolForService',
    },
    {
      name: 'namespace pinning matches',
      pools: pools(['a', { addresses: ['198.18.1.0/30'], serviceAllocation: { namespaces: ['x'] } }]),
      svc: { name: 's', ns: 'x' },
      want: ['198.18.1.0'],
    },
    {
      name: 'namespace selector',
      pools: pools([
        'a',
        {
          addresses: ['198.18.1.0/30'],
          serviceAllocation: { namespaceSelectors: [{ matchLabels: { env: 'prod' } }] },
        },
      ]),
      svc: { name: 's', ns: 'p', nsLabels: { env: 'prod' } },
      want: ['198.18.1.0'],
    },
    {
      name: 'service selector refuses',
      pools: pools([
        'a',
        {
          addresses: ['198.18.1.0/30'],
          serviceAllocation: { serviceSelectors: [{ matchLabels: { tier: 'gold' } }] },
        },
      ]),
      svc: { name: 's', labels: { tier: 'bronze' } },
      want: 'NoPoolForService',
    },
    {
      name: 'IPv6 single stack',
      pools: pools(['v6', { addresses: ['2001:db8::/64'] }]),
      svc: { name: 's', families: ['IPv6'] },
      want: ['2001:db8::'],
    },
    {
      name: 'family unavailable',
      pools: lan,
      svc: { name: 's', families: ['IPv6'] },
      want: 'FamilyUnavailable',
    },
    {
      name: 'RequireDualStack in ipFamilies order',
      pools: pools(['d', { addresses: ['198.18.1.0/30', '2001:db8::/120'] }]),
      svc: { name: 's', policy: 'RequireDualStack', families: ['IPv6', 'IPv4'] },
      want: ['2001:db8::', '198.18.1.0'],
    },
    {
      name: 'RequireDualStack without a v6 pool',
      pools: lan,
      svc: { name: 's', policy: 'RequireDualStack', families: ['IPv4', 'IPv6'] },
      want: 'FamilyUnavailable',
    },
    {
      name: 'PreferDualStack falls back to one family',
      pools: lan,
      svc: { name: 's', policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] },
      want: ['198.18.0.0'],
    },
    {
      name: 'PreferDualStack takes both from one pool',
      pools: pools(
        ['v4', { addresses: ['198.18.2.0/30'], serviceAllocation: { priority: 1 } }],
        ['d', { addresses: ['198.18.1.0/30', '2001:db8::/120'] }],
      ),
      svc: { name: 's', policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] },
      want: ['198.18.1.0', '2001:db8::'],
    },
  ];
  it.each(cases)('$name', ({ pools: p, svc, want }) => {
    const a = new Allocator();
    a.setPools(p);
    const r = a.allocate(req(svc));
    if (typeof want === 'string') {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe(want);
        expect(r.message.length).toBeGreaterThan(10);
      }
    } else {
      expect(ips(r)).toEqual(want);
    }
  });

  it('warns about spec.loadBalancerIP next to the annotation, and about disagreeing annotations', () => {
    const r = req({
      name: 's',
      lbIp: '198.18.0.1',
      ann: { 'barelb.io/loadBalancerIPs': '198.18.0.2', 'metallb.io/loadBalancerIPs': '198.18.0.3' },
    });
    expect(r.requestedIps.map(formatAddress)).toEqual(['198.18.0.2']);
    expect(r.warnings.join('\n')).toMatch(/disagrees/);
    expect(r.warnings.join('\n')).toMatch(/spec.loadBalancerIP .* ignored/);
  });
});

describe('Allocator: sequences', () => {
  it('two Services fight over one IP: the first keeps it, the second is refused', () => {
    const a = new Allocator();
    a.setPools(lan);
    const want = { 'barelb.io/loadBalancerIPs': '198.18.0.1' };
    expect(ips(a.allocate(req({ name: 'a', ann: want })))).toEqual(['198.18.0.1']);
    const r = a.allocate(req({ name: 'b', ann: want }));
    expect(r.ok ? '' : r.reason).toBe('IPInUse');
    a.release('default/a');
    const early = a.allocate(req({ name: 'b', ann: want }));
    expect(early.ok ? '' : early.reason).toBe('IPInUse');
    a.confirmReleased('default/a');
    expect(ips(a.allocate(req({ name: 'b', ann: want })))).toEqual(['198.18.0.1']);
  });

  it('sharing and then unsharing', () => {
    const a = new Allocator();
    a.setPools(lan);
    const key = { 'barelb.io/allow-shared-ip': 'k' };
    const s1 = a.allocate(req({ name: 'a', ann: key, ports: [80] }));
    const s2 = a.allocate(req({ name: 'b', ann: key, ports: [443] }));
    expect(ips(s2)).toEqual(ips(s1));
    const clash = a.allocate(
      req({ name: 'c', ann: { ...key, 'barelb.io/loadBalancerIPs': ips(s1)[0] ?? '' }, ports: [80] }),
    );
    expect(clash.ok ? '' : clash.reason).toBe('PortClash');
    const local = a.allocate(
      req({
        name: 'd',
        ann: { ...key, 'barelb.io/loadBalancerIPs': ips(s1)[0] ?? '' },
        ports: [8080],
        local: true,
      }),
    );
    expect(local.ok ? '' : local.reason).toBe('IPInUse');
    expect(a.usage('lan')?.assigned.IPv4).toBe(1);
    a.release('default/a');
    a.confirmReleased('default/a');
    expect(a.usage('lan')?.assigned.IPv4).toBe(1);
    a.release('default/b');
    expect(a.usage('lan')?.assigned.IPv4).toBe(1);
    a.confirmReleased('default/b');
    expect(a.usage('lan')?.assigned.IPv4).toBe(0);
  });

  it('a pool shrinking under live Services reports the ones that lost their IPs', () => {
    const a = new Allocator();
    a.setPools(pools(['p', { addresses: ['198.18.0.0/30', '198.18.1.0/30'] }]));
    a.allocate(req({ name: 'keep', lbIp: '198.18.0.1' }));
    a.allocate(req({ name: 'lose', ann: { 'barelb.io/loadBalancerIPs': '198.18.1.2' } }));
    expect(a.setPools(pools(['p', { addresses: ['198.18.0.0/30'] }]))).toEqual(['default/lose']);
    expect(a.assignmentOf('default/keep')?.ips.map(formatAddress)).toEqual(['198.18.0.1']);
    expect(a.usage('p')?.assigned.IPv4).toBe(1);
    expect(a.setPools([])).toEqual(['default/keep']);
  });

  it('assign is idempotent, and a rebuild in any order gives identical state', () => {
    const build = (order: number[]) => {
      const a = new Allocator();
      a.setPools(pools(['p', { addresses: ['198.18.0.0/28'] }]));
      for (const i of order) {
        const r = a.assign(
          req({ name: `s${i}`, ann: i < 3 ? { 'barelb.io/allow-shared-ip': 'k' } : {}, ports: [80 + i] }),
          [addr(`198.18.0.${i < 3 ? 5 : i}`)],
        );
        expect(r.ok).toBe(true);
        expect(
          a.assign(
            req({ name: `s${i}`, ann: i < 3 ? { 'barelb.io/allow-shared-ip': 'k' } : {}, ports: [80 + i] }),
            [addr(`198.18.0.${i < 3 ? 5 : i}`)],
          ).ok,
        ).toBe(true);
      }
      const next = a.allocate(req({ name: 'new' }));
      return { usage: a.usage('p'), next: ips(next) };
    };
    const forward = build([0, 1, 2, 3, 4, 6, 8]);
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2, 3, 4, 6, 8], { minLength: 7, maxLength: 7 }), (order) => {
        expect(build(order)).toEqual(forward);
      }),
    );
    expect(forward.next).toEqual(['198.18.0.0']);
  });

  it('never hands one IP to two Services that may not share it (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 9 })), { maxLength: 200 }),
        (ops) => {
          const a = new Allocator();
          a.setPools(pools(['p', { addresses: ['198.18.0.0/29'] }]));
          for (const [alloc, n] of ops) {
            // Each step is a decision whose write succeeded: its releases are confirmed.
            if (alloc) a.allocate(req({ name: `s${n}` }));
            else a.release(`default/s${n}`);
            a.confirmReleased(`default/s${n}`);
            const held = new Map<string, string>();
            for (let i = 0; i < 10; i++) {
              for (const ip of a.assignmentOf(`default/s${i}`)?.ips ?? []) {
                const t = formatAddress(ip);
                expect(held.has(t)).toBe(false);
                held.set(t, `s${i}`);
              }
            }
            expect(a.usage('p')?.assigned.IPv4).toBe(held.size);
            expect(a.usage('p')?.available.IPv4).toBe(BigInt(8 - held.size));
          }
        },
      ),
    );
  });
});
