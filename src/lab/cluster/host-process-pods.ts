import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { freePodSlot, type LabAddresses, podIp } from './addressing.js';
import { createRunningPod } from './cluster-objects.js';
import { LabError } from './lab-error.js';
import type { LabPaths } from './lab-paths.js';
import type { LabState, PodRecord } from './lab-state.js';
import type { LabNames } from './names.js';
import { deleteNamespace } from './netns.js';
import { createPodNetwork } from './network.js';
import type { LabNode } from './node-agents.js';
import { podServerSpec } from './node-specs.js';
import type { PodHost, PodOptions } from './pod-host.js';
import type { ProcessTable } from './process-table.js';
import { httpOk, waitFor } from './readiness.js';

export interface HostProcessPodsDeps {
  readonly state: LabState;
  readonly save: () => Promise<void>;
  readonly processes: ProcessTable;
  readonly addresses: LabAddresses;
  readonly names: LabNames;
  readonly paths: LabPaths;
  readonly kubeConfig: () => KubeConfig;
  readonly node: (name: string) => LabNode;
}

/** Pods as namespaces behind their node, each running a podserver, with the Pod object the lab fills in. */
export class HostProcessPods implements PodHost {
  constructor(private readonly deps: HostProcessPodsDeps) {}

  get pods(): readonly PodRecord[] {
    return Object.values(this.deps.state.pods);
  }

  /** Adds a pod: its namespace behind the node, a podserver in it, and a Running/Ready Pod bound to the node. */
  async addPod(opts: PodOptions): Promise<PodRecord> {
    const { state, addresses, names, paths } = this.deps;
    const namespace = opts.namespace ?? 'default';
    const node = this.deps.node(opts.node);
    const used = this.pods.filter((p) => p.node === opts.node).map((p) => p.ip);
    const ip = podIp(addresses, node.index + 1, freePodSlot(used));
    const veth = `vp${state.nextVeth++}`;
    const netns = names.podNs(`${namespace}-${opts.name}`);
    const gateway = addresses.podGateways[node.index] ?? '';
    await createPodNetwork(node.ns, netns, veth, ip, gateway, addresses.labRoute);
    const record: PodRecord = { name: opts.name, namespace, node: opts.node, ip, netns, veth };
    state.pods[`${namespace}/${opts.name}`] = record;
    await this.deps.processes.start(podServerSpec(paths, netns, opts.name, opts.node));
    await waitFor(
      `pod ${opts.name}`,
      () => httpOk(netns, 'http://127.0.0.1:8080/healthz'),
      10_000,
      paths.logs,
    );
    const core = this.deps.kubeConfig().makeApiClient(CoreV1Api);
    await createRunningPod(core, {
      name: opts.name,
      namespace,
      node: opts.node,
      nodeIp: node.ip,
      ip,
      labels: opts.labels ?? {},
    });
    return record;
  }

  /** Removes a pod: the Pod object at once (no kubelet to wait for), its process and its namespace. */
  async removePod(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const rec = this.deps.state.pods[key];
    if (!rec) throw new LabError('UNKNOWN_TARGET', `no pod ${key}`);
    const core = this.deps.kubeConfig().makeApiClient(CoreV1Api);
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
    await this.deps.processes.remove(`pod-${name}`, 2_000);
    await deleteNamespace(rec.netns);
    delete this.deps.state.pods[key];
    await this.deps.save();
  }
}
