import type { LabAddresses } from '../cluster/addressing.js';
import type { CommandResult, RunOptions } from '../cluster/command.js';
import type { LabPaths } from '../cluster/lab-paths.js';
import type { LabNames } from '../cluster/names.js';
import type { ProcessSpec } from '../cluster/processes.js';

/**
 * What installing BareLB needs from the cluster layer: where things are, the lab's kubectl, and a way
 * to run a process in a namespace.
 */
export interface InstallTarget {
  readonly addresses: LabAddresses;
  readonly names: LabNames;
  readonly nodes: readonly string[];
  readonly stateDir: string;
  /** A kubeconfig for the lab's apiserver that works from the host (helm runs there). */
  readonly kubeconfig: string;
  paths(): LabPaths;
  kubectl(args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
  apply(yaml: string): Promise<void>;
  applyKustomization(dir: string, opts?: { serverSide?: boolean }): Promise<void>;
  writeClientKubeconfig(file: string, user: string): Promise<void>;
  startComponent(spec: ProcessSpec): Promise<void>;
}

/**
 * One way of putting BareLB into a lab: `HostProcessInstall` (the controller and speakers as processes
 * in the lab's namespaces), `KustomizeInstall` (deploy/ on real nodes, the default) or `HelmInstall`
 * (the chart on real nodes, BARELB_LAB_INSTALL=helm).
 */
export interface Installer {
  install(target: InstallTarget, progress: (line: string) => void): Promise<void>;
}
