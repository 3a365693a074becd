import { describe, expect, it } from 'vitest';
import { parseRouteLine, type RouteChange, withdrawnAt } from './route-watch.js';

const nodeOf = new Map([
  ['198.18.0.11', 'n1'],
  ['198.18.0.12', 'n2'],
]);

describe('parseRouteLine', () => {
  it.each([
    {
      name: 'two next hops',
      line: '1764781200.123456 198.18.13.1 nhid 30 proto bgp metric 20 \tnexthop via 198.18.0.12 dev eth0 weight 1 \tnexthop via 198.18.0.11 dev eth0 weight 1 ',
      want: { t: 1764781200123.456, hops: ['n1', 'n2'] },
    },
    {
      name: 'one',
      line: '1764781200.5 198.18.13.1 nhid 31 via 198.18.0.11 dev eth0 proto bgp metric 20 ',
      want: { t: 1764781200500, hops: ['n1'] },
    },
    { name: 'gone', line: '1764781201.000001 ', want: { t: 1764781201000.001, hops: [] } },
    {
      name: 'a comma as the decimal mark (a locale)',
      line: '1764781201,25 198.18.13.1 via 198.18.0.12 dev eth0',
      want: { t: 1764781201250, hops: ['n2'] },
    },
    { name: 'a hop that is no node', line: '1.0 x via 198.18.0.99 dev eth0', want: { t: 1000, hops: [] } },
    { name: 'noise', line: 'Cannot find device', want: undefined },
  ])('$name', ({ line, want }) => {
    const got = parseRouteLine(line, nodeOf);
    if (want === undefined) expect(got).toBeUndefined();
    else {
      expect(got?.hops).toEqual(want.hops);
      expect(got?.t).toBeCloseTo(want.t, 3);
    }
  });
});

describe('withdrawnAt', () => {
  const changes: RouteChange[] = [
    { t: 100, hops: ['n1', 'n2'] },
    { t: 200, hops: ['n1'] },
    { t: 300, hops: ['n1', 'n2'] },
    { t: 400, hops: [] },
  ];
  it.each([
    { node: 'n2', from: 0, want: 200 },
    { node: 'n2', from: 250, want: 400 },
    { node: 'n1', from: 0, want: 400 },
    { node: 'n1', from: 401, want: undefined },
  ])('$node from $from -> $want', ({ node, from, want }) => {
    expect(withdrawnAt(changes, node, from)).toBe(want);
  });
});
