import type { PodRecord } from './lab-state.js';

export interface PodOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly node: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Where pods run. Today `HostProcessPods`, which plays the kubelet: a namespace behind the node, a
 * podserver in it, and a Pod object it marks Running. With real nodes (issue 13) the kubelet does this,
 * and the workloads layer creates Deployments instead.
 */
export interface PodHost {
  readonly pods: readonly PodRecord[];
  addPod(opts: PodOptions): Promise<PodRecord>;
  removePod(namespace: string, name: string): Promise<void>;
}
