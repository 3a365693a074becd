import { join } from 'node:path';

/** Where a lab keeps its files. */
export interface LabPaths {
  readonly stateDir: string;
  readonly binDir: string;
  readonly certs: string;
  readonly logs: string;
}

export function labPaths(stateDir: string, binDir: string): LabPaths {
  return { stateDir, binDir, certs: join(stateDir, 'certs'), logs: join(stateDir, 'logs') };
}

/** A lab binary, by name. */
export const bin = (paths: LabPaths, b: string): string => join(paths.binDir, b);
/** A process's log file, by process name. */
export const log = (paths: LabPaths, name: string): string => join(paths.logs, `${name}.log`);
