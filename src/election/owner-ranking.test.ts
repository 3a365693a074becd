import { describe, expect, it } from 'vitest';
import { ownerOf, rankCandidates } from './owner-ranking.js';

const ips = Array.from({ length: 1000 }, (_, i) => `198.18.${1 + Math.floor(i / 250)}.${(i % 250) + 1}`);
const owners = (nodes: string[]) => new Map(ips.map((ip) => [ip, ownerOf(ip, nodes)]));

describe('owner ranking', () => {
  it.each([
    { name: 'no candidates', ip: '198.18.1.1', nodes: [], want: undefined },
    { name: 'one candidate', ip: '198.18.1.1', nodes: ['n1'], want: 'n1' },
  ])('$name', ({ ip, nodes, want }) => {
    expect(ownerOf(ip, nodes)).toBe(want);
  });

  it('is deterministic and independent of candidate order', () => {
    for (const ip of ips.slice(0, 50)) {
      expect(ownerOf(ip, ['n1', 'n2', 'n3'])).toBe(ownerOf(ip, ['n3', 'n1', 'n2']));
      expect(rankCandidates(ip, ['n1', 'n2', 'n3'])[0]).toBe(ownerOf(ip, ['n2', 'n3', 'n1']));
    }
  });

  it('spreads ownership across nodes', () => {
    const counts = new Map<string, number>();
    for (const o of owners(['n1', 'n2', 'n3', 'n4']).values())
      counts.set(o ?? '', (counts.get(o ?? '') ?? 0) + 1);
    for (const n of ['n1', 'n2', 'n3', 'n4']) {
      // 1000 IPs over 4 nodes: 250 each on average; allow generous statistical slack.
      expect(counts.get(n)).toBeGreaterThan(180);
      expect(counts.get(n)).toBeLessThan(320);
    }
  });

  it('adding a node moves only the IPs it now wins', () => {
    const before = owners(['n1', 'n2', 'n3']);
    const after = owners(['n1', 'n2', 'n3', 'n4']);
    let moved = 0;
    for (const ip of ips) {
      if (before.get(ip) !== after.get(ip)) {
        expect(after.get(ip)).toBe('n4');
        moved++;
      }
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('removing a node that owns an IP moves only its IPs; removing a non-owner moves nothing', () => {
    const before = owners(['n1', 'n2', 'n3']);
    const after = owners(['n1', 'n3']);
    for (const ip of ips) {
      if (before.get(ip) !== 'n2') expect(after.get(ip)).toBe(before.get(ip));
      else expect(['n1', 'n3']).toContain(after.get(ip));
    }
  });

  it('ranks the fallback order: the next owner is the second in the ranking', () => {
    for (const ip of ips.slice(0, 100)) {
      const [first, second] = rankCandidates(ip, ['n1', 'n2', 'n3']);
      expect(
        ownerOf(
          ip,
          ['n1', 'n2', 'n3'].filter((n) => n !== first),
        ),
      ).toBe(second);
    }
  });
});
