import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../test/support/lab-probe.js';
import { entryChanges, failoverOf, recoveryOf, steadyOwners, worstFailover } from './failover-times.js';

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

describe('recoveryOf', () => {
  const ip = '198.18.1.10';
  /** `n` GETs every 100 ms from t = 0, failing where `fails(t)`. */
  const gets = (n: number, fails: (t: number) => boolean) =>
    Array.from({ length: n }, (_, i) => http(i * 100, ip, 'n2', !fails(i * 100)));
  it.each<{ name: string; samples: ProbeSample[]; want: ReturnType<typeof recoveryOf> }>([
    {
      name: 'nothing failed',
      samples: gets(100, () => false),
      want: { firstOkMs: 5, recovered99Ms: 0, failedFraction: 0, probes: 100 },
    },
    {
      name: 'three failed, then all good',
      samples: gets(100, (t) => t < 300),
      want: { firstOkMs: 305, recovered99Ms: 300, failedFraction: 0.03, probes: 100 },
    },
    {
      // Every third GET to the dead node's endpoint until its endpoints leave at 1 s.
      name: 'a share failing until the endpoints leave',
      samples: gets(200, (t) => t < 1_000 && t % 300 === 0),
      // From 700 ms the rest (193 GETs) has one failure, 0.5 %; from 600 ms, two of 194: 1.03 %.
      want: { firstOkMs: 105, recovered99Ms: 700, failedFraction: 4 / 200, probes: 200 },
    },
    {
      // Local policy: the IP moves and nothing fails after; 4 of 600 is under 1 % of the whole window.
      name: 'a short outage after the kill: recovered from the first success, not from the kill',
      samples: gets(600, (t) => t < 400),
      want: { firstOkMs: 405, recovered99Ms: 400, failedFraction: 4 / 600, probes: 600 },
    },
    {
      name: 'nothing succeeded',
      samples: gets(50, () => true),
      want: { firstOkMs: undefined, recovered99Ms: undefined, failedFraction: 1, probes: 50 },
    },
    {
      name: 'one late failure under 1 % of the rest: recovered from the start',
      samples: gets(200, (t) => t === 19_900),
      want: { firstOkMs: 5, recovered99Ms: 0, failedFraction: 1 / 200, probes: 200 },
    },
    {
      name: 'never answered',
      samples: gets(10, () => true),
      want: { firstOkMs: undefined, recovered99Ms: undefined, failedFraction: 1, probes: 10 },
    },
    {
      name: 'other IPs, ARP and GETs outside the window do not count',
      samples: [
        http(-100, ip, 'n1', false),
        http(0, '198.18.1.11', 'n1', false),
        arp(50, ip, 'n2'),
        http(100, ip, 'n2'),
        http(60_000, ip, 'n2', false),
      ],
      want: { firstOkMs: 105, recovered99Ms: 100, failedFraction: 0, probes: 1 },
    },
  ])('$name', ({ samples, want }) => {
    expect(recoveryOf(samples, ip, 0, 60_000)).toEqual(want);
  });
});
