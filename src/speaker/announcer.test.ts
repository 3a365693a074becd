import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrameConnection } from '../layer2/frame-socket.js';
import { type AnnounceInterface, Announcer, newInterfaces } from './announcer.js';
import { speakerMetrics } from './speaker-metrics.js';

describe('newInterfaces', () => {
  const sets = (o: Record<string, string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, new Set(v)]));
  it.each([
    { name: 'nothing changed', before: { a: ['eth0'] }, now: { a: ['eth0'] }, gained: [], want: {} },
    {
      name: 'a link came back',
      before: { a: ['eth0'] },
      now: { a: ['eth0', 'eth1'] },
      gained: [],
      want: { a: ['eth1'] },
    },
    {
      name: 'an interface went away: nothing to announce',
      before: { a: ['eth0', 'eth1'] },
      now: { a: ['eth0'] },
      gained: [],
      want: {},
    },
    { name: 'a gained IP has its own burst', before: {}, now: { a: ['eth0'] }, gained: ['a'], want: {} },
    {
      name: 'moved to another interface',
      before: { a: ['eth0'] },
      now: { a: ['eth1'] },
      gained: [],
      want: { a: ['eth1'] },
    },
  ])('$name', ({ before, now, gained, want }) => {
    expect(Object.fromEntries(newInterfaces(sets(before), sets(now), new Set(gained)))).toEqual(want);
  });
});

/** In-memory frame connections that record what is sent on each interface. */
function fakeLinks() {
  const sent = new Map<string, number>();
  const open = (ifname: string): FrameConnection => ({
    ifname,
    send: () => {
      sent.set(ifname, (sent.get(ifname) ?? 0) + 1);
    },
    onFrame: () => {},
    joinMulticast: () => {},
    leaveMulticast: () => {},
    close: () => {},
  });
  return { sent, open };
}
const iface = (name: string, last: number): AnnounceInterface => ({
  name,
  mac: Uint8Array.from([2, 0, 0, 0, 0, last]),
});
const eth0 = iface('eth0', 1);
const eth1 = iface('eth1', 2);

describe('Announcer: interfaces that come and go (issue 12, finding 6)', () => {
  let a: Announcer | undefined;
  afterEach(() => a?.close());

  it('an owned IP is announced on a link that comes up, and not again while nothing changes', () => {
    const { sent, open } = fakeLinks();
    a = new Announcer(open, speakerMetrics(new Registry()), pino({ level: 'silent' }), () => {});
    const owned = new Map([['198.18.1.10', 'any' as const]]);
    a.update(owned, { defaults: [eth0], all: [eth0] });
    expect(Object.fromEntries(sent)).toEqual({ eth0: 2 }); // takeover: ARP request + reply form, at once
    a.update(owned, { defaults: [eth0], all: [eth0] });
    expect(Object.fromEntries(sent)).toEqual({ eth0: 2 });
    a.update(owned, { defaults: [eth0, eth1], all: [eth0, eth1] }); // eth1 came up
    expect(sent.get('eth1')).toBe(2);
    a.update(owned, { defaults: [eth0], all: [eth0] }); // eth1 went down...
    a.update(owned, { defaults: [eth0, eth1], all: [eth0, eth1] }); // ...and up again
    expect(sent.get('eth1')).toBe(4);
  });
});
