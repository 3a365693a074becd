import { describe, expect, it } from 'vitest';
import { mayAnnounce } from './quorum.js';

describe('mayAnnounce', () => {
  it.each([
    { name: 'API down: heartbeats decide', heard: [], leases: undefined, want: true },
    { name: 'alone in the cluster', heard: [], leases: [], want: true },
    { name: 'hears everyone', heard: ['n2', 'n3'], leases: ['n2', 'n3'], want: true },
    { name: 'majority side of a partition', heard: ['n3'], leases: ['n2', 'n3'], want: true },
    { name: 'cut off from both peers while they live', heard: [], leases: ['n2', 'n3'], want: false },
    { name: 'a peer died (its Lease expired)', heard: ['n3'], leases: ['n3'], want: true },
    {
      name: 'two nodes split: the lowest name keeps announcing',
      self: 'n1',
      heard: [],
      leases: ['n2'],
      want: true,
    },
    { name: 'two nodes split: the other stands down', self: 'n2', heard: [], leases: ['n1'], want: false },
    {
      name: 'a peer heard but without a fresh Lease still counts',
      heard: ['n4'],
      leases: ['n2'],
      want: true,
    },
  ])('$name', ({ self, heard, leases, want }) => {
    expect(mayAnnounce(self ?? 'n1', heard, leases)).toBe(want);
  });
});
