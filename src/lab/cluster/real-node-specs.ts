import { join } from 'node:path';
import type { NodeTiming } from './control-plane-specs.js';
import { bin, type LabPaths, log } from './lab-paths.js';
import type { LabNames } from './names.js';
import type { LabNode } from './node-agents.js';
import {
  kubeletArgs,
  type NodeRuntimeOptions,
  nodeRuntimePaths,
  type Snapshotter,
} from './node-runtime-config.js';
import type { ProcessSpec } from './processes.js';

// How a real node runs (issue 13): containerd and a kubelet in the node's network namespace, entered
// with nsenter (not `ip netns exec`, which remounts /sys and hides the cgroup mounts).

/** Where one real node keeps its files: short, because containerd's socket path must fit in 107 bytes. */
export const realNodeDir = (paths: LabPaths, node: string): string => join(paths.stateDir, 'nodes', node);

/** Every real node's files, and where `down` looks for mounts they left. */
export const realNodesDir = (stateDir: string): string => join(stateDir, 'nodes');

/** The node's cgroup root, the same in every hierarchy; the lab's prefix keeps labs side by side apart. */
export const realNodeCgroupRoot = (names: LabNames, node: string): string => `/${names.nodeNs(node)}`;

/** The lab's kubelets renew their Lease every 3 s and post status every 4 s (see LAB_NODE_MONITOR). */
export const LAB_NODE_HEARTBEAT = { nodeLeaseDurationSeconds: 12, nodeStatusUpdateFrequency: '4s' } as const;

export interface RealNodeSetup {
  readonly names: LabNames;
  readonly paths: LabPaths;
  readonly kubeconfig: string;
  readonly sandboxImage: string;
  readonly snapshotter: Snapshotter;
  readonly labRoute: string;
  readonly runcPath: string;
  readonly cniBinDirs: readonly string[];
  /** Kubelet heartbeat timing: the lab's shortened one unless `kubernetes` (see NodeTiming). */
  readonly timing?: NodeTiming;
}

/** The inputs of node-runtime-config for one lab node. */
export function realNodeRuntimeOptions(node: LabNode, gateway: string, s: RealNodeSetup): NodeRuntimeOptions {
  return {
    node: node.name,
    nodeIp: node.ip,
    baseDir: realNodeDir(s.paths, node.name),
    cgroupRoot: realNodeCgroupRoot(s.names, node.name),
    podCidr: node.podCidr,
    podGateway: gateway,
    podRoutes: [s.labRoute],
    sandboxImage: s.sandboxImage,
    containerdBinDir: s.paths.binDir,
    runcPath: s.runcPath,
    cniBinDirs: s.cniBinDirs,
    kubeconfig: s.kubeconfig,
    clientCaFile: join(s.paths.certs, 'ca.crt'),
    snapshotter: s.snapshotter,
    ...(s.timing === 'kubernetes' ? {} : LAB_NODE_HEARTBEAT),
  };
}

export function containerdSpec(node: LabNode, paths: LabPaths): ProcessSpec {
  const p = nodeRuntimePaths(realNodeDir(paths, node.name));
  return {
    name: `containerd-${node.name}`,
    ns: node.ns,
    nsenter: true,
    cmd: bin(paths, 'containerd'),
    args: ['--config', p.containerdConfig],
    // containerd-shim-runc-v2 must be on containerd's PATH.
    env: { PATH: `${paths.binDir}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` },
    logFile: log(paths, `containerd-${node.name}`),
  };
}

export function kubeletSpec(node: LabNode, paths: LabPaths, opts: NodeRuntimeOptions): ProcessSpec {
  return {
    name: `kubelet-${node.name}`,
    ns: node.ns,
    nsenter: true,
    cmd: bin(paths, 'kubelet'),
    args: kubeletArgs(opts),
    logFile: log(paths, `kubelet-${node.name}`),
  };
}
