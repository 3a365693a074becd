import { describe, expect, it } from 'vitest';
import { type KubeletWhileStarting, MAX_KUBELET_RESTARTS, shouldRestartKubelet } from './kubelet-restart.js';

describe('shouldRestartKubelet', () => {
  it.each<{ name: string; k: KubeletWhileStarting; want: boolean }>([
    { name: 'running', k: { started: true, alive: true, restarts: 0 }, want: false },
    { name: 'exited, first time', k: { started: true, alive: false, restarts: 0 }, want: true },
    { name: 'exited again once', k: { started: true, alive: false, restarts: 1 }, want: true },
    {
      name: 'exited after the last restart: a real fault',
      k: { started: true, alive: false, restarts: MAX_KUBELET_RESTARTS },
      want: false,
    },
    { name: 'running after a restart', k: { started: true, alive: true, restarts: 1 }, want: false },
    { name: 'never started', k: { started: false, alive: false, restarts: 0 }, want: false },
  ])('$name → $want', ({ k, want }) => {
    expect(shouldRestartKubelet(k)).toBe(want);
  });
});
