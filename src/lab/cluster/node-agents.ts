/** One lab node as the cluster layer sees it: a network namespace on the lab's segment. */
export interface LabNode {
  readonly name: string;
  /** 0-based position, which picks its addresses. */
  readonly index: number;
  readonly ip: string;
  readonly podCidr: string;
  /** Its network namespace. */
  readonly ns: string;
}

/**
 * What makes a node namespace a Kubernetes node, and what a power cut does to it. Today
 * `HostProcessNodes`: a Node object the lab keeps Ready and kube-proxy as a host process in the node's
 * namespace. The real-node mode (issue 13) is another implementation of this interface, with a kubelet
 * and a container runtime per node; the layers above see no difference.
 */
export interface NodeAgents {
  /** Registers the node and starts its agents. */
  start(node: LabNode): Promise<void>;
  /** Resolves once the node's agents answer their health checks. */
  waitReady(node: LabNode): Promise<void>;
  /** Every process on the node dies at once (its links are the network's business). */
  halt(node: LabNode): Promise<void>;
  /** After `halt`: starts again what ran on the node. */
  boot(node: LabNode): Promise<void>;
}
