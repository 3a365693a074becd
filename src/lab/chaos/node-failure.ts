import type { LabNode, NodeAgents } from '../cluster/node-agents.js';

/** What node failures need from the cluster layer: its network, and the agents that run each node. */
export interface NodeFailureTarget {
  readonly nodeAgents: NodeAgents;
  node(name: string): LabNode;
  armCutNode(name: string): Promise<() => Promise<void>>;
  reconnectNode(name: string): Promise<void>;
}

/**
 * Hard failure of a node: its links go down first, so nothing it says on its way out reaches anyone,
 * then every process on it dies at once.
 */
export async function killNode(target: NodeFailureTarget, name: string): Promise<void> {
  await (await armKillNode(target, name))();
}

/**
 * `killNode` made ready ahead: resolves with the function that kills, whose links go down within
 * moments of the call (no process to start then), so a bench can place the kill on its clock.
 */
export async function armKillNode(target: NodeFailureTarget, name: string): Promise<() => Promise<void>> {
  const node = target.node(name);
  const cut = await target.armCutNode(name);
  return async () => {
    await cut();
    await target.nodeAgents.halt(node);
  };
}

/** Brings a killed node back: links up, routes restored, and what ran on it started again. */
export async function reviveNode(target: NodeFailureTarget, name: string): Promise<void> {
  const node = target.node(name);
  await target.reconnectNode(name);
  await target.nodeAgents.boot(node);
}
