import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProcessRecord } from './processes.js';

/** A pod the lab made: where it lives and how to reach it. */
export interface PodRecord {
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly ip: string;
  readonly netns: string;
  readonly veth: string;
}

/**
 * What a running lab looks like on disk (`<stateDir>/state.json`), so `lab status | exec | kill |
 * restart | down` work from another process, and `lab down` can clean up after a crash.
 */
export interface LabState {
  readonly version: 1;
  readonly index: number;
  readonly nodes: readonly string[];
  readonly binDir: string;
  readonly stateDir: string;
  readonly kubeconfig: string;
  /** Kubeconfig whose server address works from inside the lab's namespaces. */
  readonly internalKubeconfig: string;
  /**
   * Real nodes (issue 13): a kubelet and containerd per node, kube-scheduler, and the images named in
   * `nodeImages` (names in images.tsv) imported into every node. Absent: host-process nodes.
   */
  readonly realNodes?: boolean;
  readonly nodeImages?: readonly string[];
  processes: Record<string, ProcessRecord>;
  pods: Record<string, PodRecord>;
  nextVeth: number;
}

/** Where `barelb lab` keeps a lab's state unless told otherwise, relative to the working directory. */
export const DEFAULT_STATE_DIR = '.barelb/lab';

export const stateFile = (stateDir: string) => join(stateDir, 'state.json');

export async function readState(stateDir: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(stateDir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** Atomic write: a crash mid-write never leaves a half state file that `lab down` cannot read. */
export async function writeState(state: LabState): Promise<void> {
  const file = stateFile(state.stateDir);
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${file}.tmp`, file);
}
