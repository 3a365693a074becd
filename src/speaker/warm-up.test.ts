import { describe, expect, it } from 'vitest';
import { FACTS_WAIT_MS, warmingUp } from './warm-up.js';

describe('warmingUp', () => {
  it.each([
    { name: 'alone: never', now: 0, nodes: 1, missing: ['n2'], want: false },
    { name: 'within the dead-after from start', now: 300, nodes: 2, missing: [], want: true },
    {
      name: 'after it, facts of every heard peer known: announce',
      now: 401,
      nodes: 2,
      missing: [],
      want: false,
    },
    { name: 'after it, a heard peer without facts: wait', now: 401, nodes: 2, missing: ['n2'], want: true },
    { name: '... but not forever', now: 400 + FACTS_WAIT_MS, nodes: 2, missing: ['n2'], want: false },
  ])('$name', ({ now, nodes, missing, want }) => {
    expect(warmingUp({ now, warmUntil: 400, nodes, peersWithoutFacts: missing })).toBe(want);
  });
});
