/**
 * Every kubelet binds its device-plugin socket at one host path (--root-dir does not move it), and
 * one of several starting together can lose that race and exit: "Failed to start ContainerManager
 * ... kubelet.sock: bind: address already in use" (a CI run on 2026-12-04). Started again once the
 * others are up, it binds. The restart waits a little, longer each time, so that it does not fall
 * into the same race; a kubelet that keeps exiting has a real fault, and the lab says so at once
 * instead of waiting out the Ready timeout.
 */
export const KUBELET_RESTART_DELAYS_MS = [1_000, 3_000] as const;

export interface KubeletWhileStarting {
  readonly alive: boolean;
  /** Restarts made so far while waiting for this node to be Ready. */
  readonly restarts: number;
  /** Milliseconds since the kubelet was last started. */
  readonly sinceStartMs: number;
}

export type KubeletVerdict = 'wait' | 'restart' | 'give-up';

/** What to do about a node's kubelet while waiting for the node to be Ready. */
export function kubeletVerdict(k: KubeletWhileStarting): KubeletVerdict {
  if (k.alive) return 'wait';
  const delay = KUBELET_RESTART_DELAYS_MS[k.restarts];
  if (delay === undefined) return 'give-up';
  return k.sinceStartMs >= delay ? 'restart' : 'wait';
}
