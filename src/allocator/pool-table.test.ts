import { describe, expect, it } from 'vitest';
import { PoolTable } from './pool-table.js';
import { addr, pool } from './test-support.js';

describe('PoolTable', () => {
  it('orders by priority (lower first, unset last), then by name', () => {
    const t = PoolTable.build([
      pool('z', ['198.18.1.0/30']),
      pool('b', ['198.18.2.0/30'], { priority: 5 }),
      pool('a', ['198.18.3.0/30']),
      pool('c', ['198.18.4.0/30'], { priority: 1 }),
      pool('d', ['198.18.5.0/30'], { priority: 5 }),
    ]);
    expect(t.ordered.map((p) => p.name)).toEqual(['c', 'b', 'd', 'a', 'z']);
  });

  it('finds the pool of an address across families and ranges', () => {
    const t = PoolTable.build([
      pool('a', ['198.18.0.0/24', '198.18.9.0-198.18.9.9']),
      pool('b', ['198.18.1.0/24', '2001:db8::/64']),
    ]);
    expect(t.poolOf(addr('198.18.9.9'))?.name).toBe('a');
    expect(t.poolOf(addr('198.18.9.10'))).toBeUndefined();
    expect(t.poolOf(addr('198.18.1.255'))?.name).toBe('b');
    expect(t.poolOf(addr('2001:db8::ffff'))?.name).toBe('b');
    expect(t.poolOf(addr('2001:db9::'))).toBeUndefined();
  });

  it('never lets two pools own one address: an overlap goes to the first by name', () => {
    const t = PoolTable.build([
      pool('b', ['198.18.0.0/24']),
      pool('a', ['198.18.0.128/25', '198.18.0.0/26']),
    ]);
    expect(t.poolOf(addr('198.18.0.10'))?.name).toBe('a');
    expect(t.poolOf(addr('198.18.0.100'))?.name).toBe('b');
    expect(t.poolOf(addr('198.18.0.200'))?.name).toBe('a');
    expect(t.get('b')?.families.IPv4.total).toBe(64n);
  });

  it('keeps the state of pools whose addresses did not change', () => {
    const first = PoolTable.build([pool('a', ['198.18.0.0/30']), pool('b', ['198.18.1.0/30'])]);
    const next = PoolTable.build(
      [pool('a', ['198.18.0.0/30'], { priority: 1 }), pool('b', ['198.18.1.0/29'])],
      first,
    );
    const a = next.get('a');
    const b = next.get('b');
    expect(a && next.carriedOver(a)).toBe(true);
    expect(a?.families.IPv4).toBe(first.get('a')?.families.IPv4);
    expect(a?.config.allocation.priority).toBe(1);
    expect(b && next.carriedOver(b)).toBe(false);
  });

  it('counts what avoidBuggyIPs leaves', () => {
    const t = PoolTable.build([pool('a', ['198.18.0.0/22', '2001:db8::/120'], { avoidBuggyIPs: true })]);
    expect(t.get('a')?.families.IPv4.total).toBe(4n * 254n);
    expect(t.get('a')?.families.IPv6.total).toBe(256n);
  });
});
