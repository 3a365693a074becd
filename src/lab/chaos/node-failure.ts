import type { LabNode, NodeAgents } from '../cluster/node-agents.js';

/** What node failures need from the cluster layer: its network, and the agents that run each node. */
export interface NodeFailureTarget {
  readonly nodeAgents: NodeAgents;
  node(name: string): LabNode;
  cutNode(name: string): Promise<void>;
  reconnectNode(name: string): Promise<void>;
}

/**
 * Hard failure of a node: its links go down first, so nothing it says on its way out reaches anyone,
 * then every process on it dies at once.
 */
export async function killNode(target: NodeFailureTarget, name: string): Promise<void> {
  const node = target.node(name);
  await target.cutNode(name);
  await target.nodeAgents.halt(node);
}

/** Brings a killed node back: links up, routes restored, and what ran on it started again. */
export async function reviveNode(target: NodeFailureTarget, name: string): Promise<void> {
  const node = target.node(name);
  await target.reconnectNode(name);
  await target.nodeAgents.boot(node);
}
