import type { LabAddresses } from '../cluster/addressing.js';
import type { CommandResult, RunOptions } from '../cluster/command.js';
import type { LabPaths } from '../cluster/lab-paths.js';
import type { LabNames } from '../cluster/names.js';
import type { ProcessSpec } from '../cluster/processes.js';

/**
 * What installing BareLB needs from the cluster layer: where things are, the lab's kubectl, and a way
 * to run a process in a namespace. Installing from deploy/ (issue 13) will need only `applyKustomization`.
 */
export interface InstallTarget {
  readonly addresses: LabAddresses;
  readonly names: LabNames;
  readonly nodes: readonly string[];
  readonly stateDir: string;
  paths(): LabPaths;
  kubectl(args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
  apply(yaml: string): Promise<void>;
  applyKustomization(dir: string, opts?: { serverSide?: boolean }): Promise<void>;
  writeClientKubeconfig(file: string, user: string): Promise<void>;
  startComponent(spec: ProcessSpec): Promise<void>;
}

/**
 * One way of putting BareLB into a lab. Today `HostProcessInstall` (the controller and speakers as
 * processes in the lab's namespaces); `kubectl apply -k` of a lab overlay on deploy/ is the next.
 */
export interface Installer {
  install(target: InstallTarget, progress: (line: string) => void): Promise<void>;
}
