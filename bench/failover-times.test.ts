import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../test/support/lab-probe.js';
import { entryChanges, failoverOf, steadyOwners, worstFailover } from './failover-times.js';

const http = (t: number, ip: string, entry: string | undefined, ok = true, ms = 5): ProbeSample =>
  entry === undefined ? { t, ip, kind: 'http', ok, ms } : { t, ip, kind: 'http', ok, ms, entry };
const arp = (t: number, ip: string, node: string): ProbeSample => ({
  t,
  ip,
  kind: 'arp',
  ok: true,
  ms: 0,
  node,
  entry: node,
});

describe('failoverOf', () => {
  const A = '198.18.10.1';
  const B = '198.18.10.2';
  it.each<
    [string, ProbeSample[], string[], { servedMs?: number; arpMs?: number; by?: string; failed?: number }[]]
  >([
    ['nothing after the kill', [http(50, A, 'n1')], [A], [{}]],
    [
      'the first success through another node, to its answer',
      [
        http(90, A, 'n1'),
        http(150, A, undefined, false, 800),
        http(200, A, 'n2', true, 30),
        http(250, A, 'n2'),
      ],
      [A],
      [{ servedMs: 130, by: 'n2' }],
    ],
    [
      'the victim answering after the kill does not count',
      [http(150, A, 'n1'), http(300, A, 'n3')],
      [A],
      [{ servedMs: 205, by: 'n3' }],
    ],
    [
      'a later GET that answered first wins',
      [http(150, A, 'n2', true, 600), http(200, A, 'n2', true, 10)],
      [A],
      [{ servedMs: 110, by: 'n2' }],
    ],
    [
      'ARP from another node',
      [arp(120, A, 'n1'), arp(180, A, 'n2'), arp(170, A, 'n3')],
      [A],
      [{ arpMs: 70 }],
    ],
    [
      'GETs failed between the ARP answer and the first success',
      [
        arp(150, A, 'n2'),
        http(140, A, undefined, false),
        http(160, A, undefined, false),
        http(210, A, undefined, false),
        http(260, A, 'n2'),
        http(300, A, undefined, false),
      ],
      [A],
      [{ arpMs: 50, servedMs: 165, by: 'n2', failed: 2 }],
    ],
    [
      'per IP',
      [http(300, A, 'n2'), http(500, B, 'n3'), arp(250, B, 'n3')],
      [A, B],
      [
        { servedMs: 205, by: 'n2' },
        { servedMs: 405, arpMs: 150, by: 'n3' },
      ],
    ],
  ])('%s', (_name, samples, ips, want) => {
    expect(failoverOf(samples, ips, 'n1', 100)).toEqual(
      want.map((w, i) => ({
        ip: ips[i],
        servedMs: w.servedMs,
        arpMs: w.arpMs,
        by: w.by,
        failedAfterArp: w.failed ?? 0,
      })),
    );
  });
});

describe('worstFailover', () => {
  it.each<[string, (number | undefined)[], number]>([
    ['the last IP served', [100, 300, 200], 300],
    ['one never served', [100, undefined], Number.NaN],
    ['no IPs', [], Number.NaN],
  ])('%s', (_name, served, want) => {
    const per = served.map((s, i) => ({
      ip: `ip${i}`,
      servedMs: s,
      arpMs: s,
      by: undefined,
      failedAfterArp: 0,
    }));
    expect(worstFailover(per)).toEqual({ servedMs: want, arpMs: want });
  });
});

describe('steadyOwners', () => {
  const A = 'a';
  const B = 'b';
  const steady = (ip: string, node: string, from = 0): ProbeSample[] =>
    [0, 100, 200, 300].flatMap((d) => [http(from + d, ip, node), arp(from + d + 1, ip, node)]);
  it.each<[string, ProbeSample[], Record<string, string> | undefined]>([
    ['one owner each', [...steady(A, 'n1'), ...steady(B, 'n2')], { a: 'n1', b: 'n2' }],
    ['too few samples', [http(0, A, 'n1'), arp(1, A, 'n1'), ...steady(B, 'n2')], undefined],
    ['two ARP answers', [...steady(A, 'n1'), arp(150, A, 'n2'), ...steady(B, 'n2')], undefined],
    ['a failed GET', [...steady(A, 'n1'), http(150, A, undefined, false), ...steady(B, 'n2')], undefined],
    [
      'GETs entering elsewhere than ARP says',
      [...steady(A, 'n1'), http(150, A, 'n2'), ...steady(B, 'n2')],
      undefined,
    ],
    [
      'old samples outside the window are ignored',
      [arp(-5_000, A, 'n3'), ...steady(A, 'n1'), ...steady(B, 'n2')],
      { a: 'n1', b: 'n2' },
    ],
  ])('%s', (_name, samples, want) => {
    const got = steadyOwners(samples, [A, B], 400, 1_000);
    expect(got && Object.fromEntries(got)).toEqual(want);
  });
});

describe('entryChanges', () => {
  it('lists node changes of successful GETs in time order, from the window start', () => {
    const samples = [
      http(300, 'a', 'n2'),
      http(100, 'a', 'n1'),
      http(200, 'a', undefined, false),
      http(400, 'a', 'n2'),
      http(500, 'b', 'n3'),
      http(600, 'a', 'n1'),
      http(900, 'a', 'n3'),
    ];
    expect(entryChanges(samples, 'a', 50, 800)).toEqual([
      { atMs: 250, from: 'n1', to: 'n2' },
      { atMs: 550, from: 'n2', to: 'n1' },
    ]);
  });
});
