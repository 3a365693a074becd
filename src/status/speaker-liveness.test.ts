import { describe, expect, it } from 'vitest';
import { type SpeakerLease, speakerNotAlive } from './speaker-liveness.js';

const NOW = Date.parse('2026-12-02T04:00:00Z');
const lease = (node: string, spec: NonNullable<SpeakerLease['spec']>): SpeakerLease => ({
  metadata: { name: `barelb-speaker-${node}` },
  spec,
});

describe('speakerNotAlive', () => {
  it.each([
    {
      name: 'renewed within its duration: alive',
      leases: [
        lease('n1', { holderIdentity: 'n1', renewTime: '2026-12-02T03:59:58Z', leaseDurationSeconds: 6 }),
      ],
      want: undefined,
    },
    {
      name: 'not renewed for longer than its duration',
      leases: [
        lease('n1', { holderIdentity: 'n1', renewTime: '2026-12-02T03:59:18Z', leaseDurationSeconds: 6 }),
      ],
      want: 'the speaker on n1 last renewed its Lease 42 s ago',
    },
    {
      name: 'released by a graceful stop',
      leases: [
        lease('n1', { holderIdentity: null, renewTime: '2026-12-02T03:59:59Z', leaseDurationSeconds: 1 }),
      ],
      want: 'the speaker on n1 stopped (its Lease is released)',
    },
    {
      name: 'no Lease at all',
      leases: [lease('n2', { holderIdentity: 'n2' })],
      want: 'no speaker Lease for n1: its speaker never ran or was removed',
    },
    {
      name: 'a Lease never renewed',
      leases: [lease('n1', { holderIdentity: 'n1', leaseDurationSeconds: 6 })],
      want: 'the speaker on n1 never renewed its Lease',
    },
  ])('$name', ({ leases, want }) => {
    expect(speakerNotAlive(leases, 'n1', NOW)).toBe(want);
  });
});
