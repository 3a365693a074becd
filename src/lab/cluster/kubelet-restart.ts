/**
 * Every kubelet binds its device-plugin socket at one host path (--root-dir does not move it), and
 * one of several starting together can lose that race and exit: "Failed to start ContainerManager
 * ... kubelet.sock: bind: address already in use" (a CI run on 2026-12-04). Started again alone, it
 * binds. A kubelet that keeps exiting has a real fault, so the restarts are capped and the wait for
 * Ready then fails with the kubelet's log.
 */
export const MAX_KUBELET_RESTARTS = 2;

export interface KubeletWhileStarting {
  /** The lab started a kubelet for this node (false: nothing to restart). */
  readonly started: boolean;
  readonly alive: boolean;
  /** Restarts made so far while waiting for this node to be Ready. */
  readonly restarts: number;
}

/** Whether to start a node's kubelet again while waiting for the node to be Ready. */
export function shouldRestartKubelet(k: KubeletWhileStarting): boolean {
  return k.started && !k.alive && k.restarts < MAX_KUBELET_RESTARTS;
}
