import { describe, expect, it } from 'vitest';
import { type KubeletVerdict, type KubeletWhileStarting, kubeletVerdict } from './kubelet-restart.js';

describe('kubeletVerdict', () => {
  it.each<{ name: string; k: KubeletWhileStarting; want: KubeletVerdict }>([
    { name: 'running', k: { alive: true, restarts: 0, sinceStartMs: 100 }, want: 'wait' },
    { name: 'running after two restarts', k: { alive: true, restarts: 2, sinceStartMs: 100 }, want: 'wait' },
    {
      name: 'exited at once: the others may still be binding',
      k: { alive: false, restarts: 0, sinceStartMs: 300 },
      want: 'wait',
    },
    { name: 'exited, a second on', k: { alive: false, restarts: 0, sinceStartMs: 1_000 }, want: 'restart' },
    {
      name: 'exited again soon after its restart',
      k: { alive: false, restarts: 1, sinceStartMs: 1_500 },
      want: 'wait',
    },
    {
      name: 'exited again, three seconds on',
      k: { alive: false, restarts: 1, sinceStartMs: 3_000 },
      want: 'restart',
    },
    {
      name: 'exited after the last restart: a real fault',
      k: { alive: false, restarts: 2, sinceStartMs: 10 },
      want: 'give-up',
    },
  ])('$name → $want', ({ k, want }) => {
    expect(kubeletVerdict(k)).toBe(want);
  });
});
