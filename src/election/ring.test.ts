import { describe, expect, it } from 'vitest';
import { ringNeighbours } from './ring.js';

const order = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('ringNeighbours', () => {
  it.each([
    {
      name: 'small cluster: everyone',
      order: ['a', 'b', 'c'],
      self: 'b',
      k: 6,
      dead: [],
      targets: ['a', 'c'],
      watched: ['a', 'c'],
    },
    { name: 'alone', order: ['a'], self: 'a', k: 6, dead: [], targets: [], watched: [] },
    {
      name: 'exactly k + 1: everyone',
      order: order.slice(0, 4),
      self: 'a',
      k: 3,
      dead: [],
      targets: ['b', 'c', 'd'],
      watched: ['b', 'c', 'd'],
    },
    {
      name: 'ring: k successors and k predecessors',
      order,
      self: 'a',
      k: 2,
      dead: [],
      targets: ['b', 'c'],
      watched: ['g', 'f'],
    },
    {
      name: 'ring closes over the dead; the next successors still get heartbeats',
      order,
      self: 'a',
      k: 2,
      dead: ['b', 'g'],
      targets: ['c', 'd', 'b'],
      watched: ['f', 'e'],
    },
    {
      name: 'small cluster: the dead still get heartbeats, so a mistaken verdict heals',
      order: ['a', 'b', 'c'],
      self: 'a',
      k: 6,
      dead: ['b'],
      targets: ['b', 'c'],
      watched: ['b', 'c'],
    },
  ])('$name', ({ order: o, self, k, dead, targets, watched }) => {
    expect(ringNeighbours(o, self, k, new Set(dead))).toEqual({ targets, watched });
  });

  it('every node is watched by exactly k others on a ring', () => {
    const names = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const count = new Map<string, number>();
    for (const self of names)
      for (const t of ringNeighbours(names, self, 3, new Set()).targets)
        count.set(t, (count.get(t) ?? 0) + 1);
    expect(new Set(count.values())).toEqual(new Set([3]));
    expect(count.size).toBe(20);
  });
});
