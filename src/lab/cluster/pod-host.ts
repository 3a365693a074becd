import { LabError } from './lab-error.js';
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

/**
 * Real nodes: the kubelet runs pods, from Deployments the workloads layer creates (`Lab.addPod` and
 * `deployWorkload` make pinned ones, workloads/pinned-pods.ts); the cluster layer plays none, so a
 * direct call here is refused.
 */
export class KubeletPods implements PodHost {
  readonly pods: readonly PodRecord[] = [];
  addPod(opts: PodOptions): Promise<PodRecord> {
    return Promise.reject(
      new LabError(
        'UNSUPPORTED',
        `pod ${opts.name}: on real nodes, create a Deployment (the kubelet runs pods)`,
      ),
    );
  }
  removePod(namespace: string, name: string): Promise<void> {
    return Promise.reject(
      new LabError('UNSUPPORTED', `pod ${namespace}/${name}: on real nodes, delete it with kubectl`),
    );
  }
}
