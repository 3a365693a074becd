import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { LabAddresses } from './addressing.js';
import { registerNode } from './cluster-objects.js';
import type { LabPaths } from './lab-paths.js';
import type { LabNode, NodeAgents } from './node-agents.js';
import { kubeProxySpec, waitKubeProxy } from './node-specs.js';
import type { ProcessTable } from './process-table.js';
import { killAllIn } from './processes.js';

export interface HostProcessNodesDeps {
  readonly processes: ProcessTable;
  readonly addresses: LabAddresses;
  readonly paths: LabPaths;
  readonly kubeConfig: () => KubeConfig;
}

/**
 * Nodes without a kubelet: the lab writes the Node object a kubelet would and keeps it Ready, and runs
 * kube-proxy as a host process in the node's namespace. Fast to start, and enough for BareLB, which
 * only needs Nodes, EndpointSlices and kube-proxy's rules.
 */
export class HostProcessNodes implements NodeAgents {
  constructor(private readonly deps: HostProcessNodesDeps) {}

  async start(node: LabNode): Promise<void> {
    const core = this.deps.kubeConfig().makeApiClient(CoreV1Api);
    await registerNode(core, node.name, node.ip, node.podCidr);
    await this.deps.processes.start(kubeProxySpec(node, this.deps.addresses, this.deps.paths));
  }

  waitReady(node: LabNode): Promise<void> {
    return waitKubeProxy(node, this.deps.paths.logs);
  }

  halt(node: LabNode): Promise<void> {
    return killAllIn(node.ns);
  }

  /**
   * Starts every recorded process of the node's namespace that is not running, with its recorded
   * command line: kube-proxy, and whatever the layers above put there (a speaker), as a kubelet
   * would restart a node's static and DaemonSet pods.
   */
  async boot(node: LabNode): Promise<void> {
    for (const rec of this.deps.processes.inNamespace(node.ns))
      await this.deps.processes.startAgainIfDead(rec);
  }
}
