import { describe, expect, it } from 'vitest';
import { heardAgain, leaseView, observeLease, type PeerLease } from './lease-liveness.js';
import { mayAnnounce } from './quorum.js';

/**
 * What `self` knows of one peer at NOW:
 * - heard: its heartbeats arrive (its Lease renewals were seen while heard);
 * - silent: unheard; its Lease was last renewed while it was still heard (it may have just died);
 * - cut: unheard, and a renewal was seen while unheard (alive, but we cannot hear it);
 * - released: unheard, its Lease released by a graceful stop;
 * - expired: unheard, its Lease not renewed within its duration;
 * - back: was cut, then heard again;
 * - restarting: released its Lease, then renewed it again before its first heartbeat arrived.
 */
type Peer = 'heard' | 'silent' | 'cut' | 'released' | 'expired' | 'back' | 'restarting';

const NOW = 2_000;
const lease = (renewTime: string, released = false) => ({
  renewTime,
  holder: released ? undefined : 'x',
  durationSeconds: 6,
});

function knowledge(peers: Record<string, Peer>) {
  const leases = new Map<string, PeerLease>();
  const heard: string[] = [];
  for (const [node, p] of Object.entries(peers)) {
    const t0 = p === 'expired' ? NOW - 10_000 : 0;
    let l = observeLease(undefined, lease('r0'), true, t0);
    l = observeLease(l, lease('r1'), true, t0 + 500);
    if (p === 'cut' || p === 'back') l = observeLease(l, lease('r2'), false, 1_500);
    if (p === 'back') l = heardAgain(l);
    if (p === 'released' || p === 'restarting') l = observeLease(l, lease('r2', true), false, 1_500);
    if (p === 'restarting') l = observeLease(l, lease('r3'), false, 1_800);
    leases.set(node, l);
    if (p === 'heard' || p === 'back') heard.push(node);
  }
  return { heard, view: leaseView(leases, 'self', NOW) };
}

describe('mayAnnounce', () => {
  it.each<{ name: string; self: string; peers: Record<string, Peer>; want: boolean; gate: string }>([
    // One node.
    { name: '1 node: alone', self: 'n1', peers: {}, want: true, gate: 'majority' },
    // Two nodes.
    { name: '2 nodes: both heard', self: 'n2', peers: { n1: 'heard' }, want: true, gate: 'majority' },
    {
      // Issue 12, finding 1: before, n2 stood down for the whole Lease duration (15 s).
      name: '2 nodes: n1 hard-killed, its Lease not yet expired: n2 keeps serving',
      self: 'n2',
      peers: { n1: 'silent' },
      want: true,
      gate: 'half-others-unproven',
    },
    {
      name: '2 nodes: n2 hard-killed: n1 keeps serving',
      self: 'n1',
      peers: { n2: 'silent' },
      want: true,
      gate: 'half-tie-break',
    },
    {
      name: '2 nodes: n1 stopped gracefully (Lease released)',
      self: 'n2',
      peers: { n1: 'released' },
      want: true,
      gate: 'majority',
    },
    {
      name: '2 nodes: n1 dead, Lease expired',
      self: 'n2',
      peers: { n1: 'expired' },
      want: true,
      gate: 'majority',
    },
    {
      name: '2 nodes: heartbeats cut, n1 proven alive: n2 stands down',
      self: 'n2',
      peers: { n1: 'cut' },
      want: false,
      gate: 'half-others-alive',
    },
    {
      name: '2 nodes: heartbeats cut: n1 (lowest name) keeps serving',
      self: 'n1',
      peers: { n2: 'cut' },
      want: true,
      gate: 'half-tie-break',
    },
    {
      name: '2 nodes: partition healed, n1 heard again',
      self: 'n2',
      peers: { n1: 'back' },
      want: true,
      gate: 'majority',
    },
    {
      name: '2 nodes: n1 restarting gracefully, its new Lease seen before its first heartbeat',
      self: 'n2',
      peers: { n1: 'restarting' },
      want: true,
      gate: 'half-others-unproven',
    },
    // Three nodes.
    {
      name: '3 nodes: n1 hard-killed',
      self: 'n2',
      peers: { n1: 'silent', n3: 'heard' },
      want: true,
      gate: 'majority',
    },
    {
      name: '3 nodes: cut off from both live peers: stand down at once',
      self: 'n1',
      peers: { n2: 'silent', n3: 'silent' },
      want: false,
      gate: 'minority',
    },
    {
      name: '3 nodes: the majority side of that partition',
      self: 'n2',
      peers: { n1: 'silent', n3: 'heard' },
      want: true,
      gate: 'majority',
    },
    {
      name: '3 nodes: both peers stopped gracefully',
      self: 'n3',
      peers: { n1: 'released', n2: 'released' },
      want: true,
      gate: 'majority',
    },
    {
      name: '3 nodes: both peers hard-killed: wait for their Leases (more than one loss)',
      self: 'n3',
      peers: { n1: 'silent', n2: 'silent' },
      want: false,
      gate: 'minority',
    },
    {
      name: '3 nodes: a peer heard but without a Lease still counts',
      self: 'n1',
      peers: { n2: 'silent', n4: 'heard' },
      want: true,
      gate: 'majority',
    },
    // Four and five nodes.
    {
      name: '4 nodes: split 2/2, the other half proven alive, no lowest name: stand down',
      self: 'n3',
      peers: { n1: 'cut', n2: 'cut', n4: 'heard' },
      want: false,
      gate: 'half-others-alive',
    },
    {
      name: '4 nodes: n1 and n2 hard-killed: n3 and n4 keep serving',
      self: 'n3',
      peers: { n1: 'silent', n2: 'silent', n4: 'heard' },
      want: true,
      gate: 'half-others-unproven',
    },
    {
      name: '5 nodes: one node hard-killed',
      self: 'n5',
      peers: { n1: 'silent', n2: 'heard', n3: 'heard', n4: 'heard' },
      want: true,
      gate: 'majority',
    },
    {
      name: '5 nodes: minority side of a 2/3 partition',
      self: 'n1',
      peers: { n2: 'heard', n3: 'cut', n4: 'silent', n5: 'silent' },
      want: false,
      gate: 'minority',
    },
    {
      name: '5 nodes: one restarting gracefully, one hard-killed',
      self: 'n3',
      peers: { n1: 'released', n2: 'silent', n4: 'heard', n5: 'heard' },
      want: true,
      gate: 'majority',
    },
  ])('$name', ({ self, peers, want, gate }) => {
    const { heard, view } = knowledge(peers);
    expect(mayAnnounce(self, heard, view)).toEqual({ announce: want, gate });
  });

  it('API server unreachable (no Lease view): heartbeats decide, nothing moves', () => {
    expect(mayAnnounce('n2', [], undefined)).toEqual({ announce: true, gate: 'no-lease-view' });
  });
});

describe('observeLease', () => {
  it('the first sight of a Lease (a relist) is no proof that its holder lives now', () => {
    expect(observeLease(undefined, lease('r5'), false, 100).renewedUnheard).toBe(false);
  });

  it('the same renewTime seen again changes nothing (the caller need not re-elect)', () => {
    const a = observeLease(undefined, lease('r1'), true, 0);
    expect(observeLease(a, lease('r1'), false, 500)).toBe(a);
  });

  it('a released Lease is not live, a renewed one is live for its duration from when we saw it', () => {
    const a = observeLease(undefined, lease('r1'), true, 0);
    const view = (l: PeerLease, now: number) => leaseView(new Map([['p', l]]), 'self', now).live;
    expect(view(a, 5_999)).toEqual(['p']);
    expect(view(a, 6_000)).toEqual([]);
    expect(view(observeLease(a, lease('r2', true), false, 10), 11)).toEqual([]);
  });
});
