import { describe, expect, it } from 'vitest';
import { judge, suspicionTimeout } from './suspicion.js';

const c = { confirmations: 2, maxMs: 3_000 };

describe('suspicionTimeout', () => {
  it.each([
    { accusers: 0, wanted: 2, ms: Number.POSITIVE_INFINITY },
    { accusers: 1, wanted: 1, ms: 0 },
    { accusers: 1, wanted: 2, ms: 1_107 },
    { accusers: 2, wanted: 2, ms: 0 },
    { accusers: 1, wanted: 3, ms: 1_500 },
    { accusers: 2, wanted: 3, ms: 622 },
  ])('$accusers of $wanted accusers: $ms ms', ({ accusers, wanted, ms }) => {
    expect(suspicionTimeout(accusers, wanted, 3_000)).toBe(ms);
  });
});

const acc = (o: Record<string, string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, new Set(v)]));

describe('judge', () => {
  it.each([
    { name: 'nobody accused', members: 3, accusers: {}, since: 0, now: 10, dead: [], nextAt: undefined },
    {
      name: 'two watchers agree: dead at once',
      members: 3,
      accusers: { n1: ['n2', 'n3'] },
      since: 0,
      now: 0,
      dead: ['n1'],
      nextAt: undefined,
    },
    {
      name: 'one slow watcher alone: not yet',
      members: 3,
      accusers: { n1: ['n2'] },
      since: 0,
      now: 1_000,
      dead: [],
      nextAt: 1_107,
    },
    {
      name: 'one watcher alone: dead after the long timeout',
      members: 3,
      accusers: { n1: ['n2'] },
      since: 0,
      now: 1_107,
      dead: ['n1'],
      nextAt: undefined,
    },
    {
      name: 'two nodes: the survivor alone decides',
      members: 2,
      accusers: { n1: ['n2'] },
      since: 0,
      now: 0,
      dead: ['n1'],
      nextAt: undefined,
    },
    {
      name: 'self is never dead in its own view',
      members: 2,
      accusers: { self: ['n2'] },
      since: 0,
      now: 99_999,
      dead: [],
      nextAt: undefined,
    },
    {
      name: 'a dead accuser does not count',
      members: 5,
      accusers: { n1: ['n2', 'n3'], n4: ['n1', 'n5'], n5: ['n1'] },
      since: 0,
      now: 10,
      dead: ['n1'],
      nextAt: 1_107,
    },
    {
      name: 'two of three dead: the last one still sees both dead',
      members: 3,
      accusers: { n1: ['self', 'n2'], n2: ['self', 'n1'] },
      since: 0,
      now: 0,
      dead: ['n1', 'n2'],
      nextAt: undefined,
    },
  ])('$name', ({ members, accusers, since, now, dead, nextAt }) => {
    const a = acc(accusers);
    const j = judge('self', members, a, new Map([...a.keys()].map((k) => [k, since])), now, c);
    expect([...j.dead].sort()).toEqual(dead);
    expect(j.nextAt).toBe(nextAt);
  });
});
