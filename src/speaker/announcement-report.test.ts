import { describe, expect, it } from 'vitest';
import type { IpDecision, IpReason, TakeoverWhy } from './announcement-plan.js';
import {
  type AnnouncedLabels,
  announcedSeries,
  announcementLines,
  seriesChanges,
} from './announcement-report.js';

const A = '198.18.1.10';
const B = '198.18.1.11';
const decision = (ip: string, services: string[], reason: IpReason): IpDecision => ({
  ip,
  services,
  ranking: [],
  reason,
});
const elected: IpReason = { announce: true, why: 'elected' };

/** The parts of a plan the report reads. */
const plan = (o: {
  decisions?: IpDecision[];
  owned?: string[];
  takeovers?: string[];
  why?: [string, TakeoverWhy][];
}) => ({
  decisions: new Map((o.decisions ?? []).map((d) => [d.ip, d])),
  owned: new Map((o.owned ?? []).map((ip) => [ip, true])),
  takeovers: o.takeovers ?? [],
  takeoverWhy: new Map(o.why ?? []),
});

describe('announcementLines', () => {
  it.each<{ name: string; p: ReturnType<typeof plan>; announcing: string[]; want: unknown[] }>([
    {
      name: 'nothing changed',
      p: plan({ decisions: [decision(A, ['default/web'], elected)], owned: [A] }),
      announcing: [A],
      want: [],
    },
    {
      name: 'a takeover names the Services sharing the IP and why',
      p: plan({
        decisions: [decision(A, ['default/web', 'default/web-udp'], elected)],
        owned: [A],
        takeovers: [A],
        why: [[A, 'owner-failed']],
      }),
      announcing: [],
      want: [
        {
          fields: {
            event: 'takeover',
            ip: A,
            services: ['default/web', 'default/web-udp'],
            why: 'owner-failed',
          },
          msg: 'announcing an IP',
        },
      ],
    },
    {
      name: 'given up to another node: names the Service and the new owner',
      p: plan({
        decisions: [decision(B, ['shop/api'], { announce: false, why: 'other-owner', owner: 'n2' })],
      }),
      announcing: [B],
      want: [
        {
          fields: { event: 'released', ip: B, services: ['shop/api'], why: 'other-owner', owner: 'n2' },
          msg: 'no longer announcing an IP',
        },
      ],
    },
    {
      name: 'withheld while cut off',
      p: plan({ decisions: [decision(B, ['shop/api'], { announce: false, why: 'isolated' })] }),
      announcing: [B],
      want: [
        {
          fields: { event: 'released', ip: B, services: ['shop/api'], why: 'isolated', owner: undefined },
          msg: 'no longer announcing an IP',
        },
      ],
    },
    {
      name: 'the Service was deleted: no decision is left, so "gone"',
      p: plan({}),
      announcing: [B],
      want: [
        {
          fields: { event: 'released', ip: B, services: undefined, why: 'gone', owner: undefined },
          msg: 'no longer announcing an IP',
        },
      ],
    },
  ])('$name', ({ p, announcing, want }) => {
    expect(announcementLines(p, announcing)).toEqual(want);
  });
});

describe('announcedSeries and seriesChanges', () => {
  const web = (ip: string): AnnouncedLabels => ({ service: 'default/web', ip, node: 'n1' });
  const udp = (ip: string): AnnouncedLabels => ({ service: 'default/web-udp', ip, node: 'n1' });
  it.each<{
    name: string;
    before: ReturnType<typeof plan>;
    after: ReturnType<typeof plan>;
    remove: AnnouncedLabels[];
    set: AnnouncedLabels[];
  }>([
    {
      name: 'a first IP: one series per Service sharing it',
      before: plan({}),
      after: plan({ decisions: [decision(A, ['default/web', 'default/web-udp'], elected)], owned: [A] }),
      remove: [],
      set: [web(A), udp(A)],
    },
    {
      name: 'unchanged: nothing written',
      before: plan({ decisions: [decision(A, ['default/web'], elected)], owned: [A] }),
      after: plan({ decisions: [decision(A, ['default/web'], elected)], owned: [A] }),
      remove: [],
      set: [],
    },
    {
      name: 'the IP moved away: its series are removed, not left at 1',
      before: plan({ decisions: [decision(A, ['default/web', 'default/web-udp'], elected)], owned: [A] }),
      after: plan({
        decisions: [
          decision(A, ['default/web', 'default/web-udp'], {
            announce: false,
            why: 'other-owner',
            owner: 'n2',
          }),
        ],
      }),
      remove: [web(A), udp(A)],
      set: [],
    },
    {
      name: 'one Service stops sharing the IP',
      before: plan({ decisions: [decision(A, ['default/web', 'default/web-udp'], elected)], owned: [A] }),
      after: plan({ decisions: [decision(A, ['default/web'], elected)], owned: [A] }),
      remove: [udp(A)],
      set: [],
    },
    {
      name: 'the Service got a second IP (dual-stack)',
      before: plan({ decisions: [decision(A, ['default/web'], elected)], owned: [A] }),
      after: plan({
        decisions: [decision(A, ['default/web'], elected), decision(B, ['default/web'], elected)],
        owned: [A, B],
      }),
      remove: [],
      set: [web(B)],
    },
  ])('$name', ({ before, after, remove, set }) => {
    expect(seriesChanges(announcedSeries(before, 'n1'), announcedSeries(after, 'n1'))).toEqual({
      remove,
      set,
    });
  });
});
