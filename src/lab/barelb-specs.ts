import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './binaries.js';
import type { LabPaths } from './component-specs.js';
import type { ProcessSpec } from './processes.js';

/**
 * How to run this checkout's `barelb` CLI: the built JavaScript when `dist/` exists and is what we
 * run from, otherwise the TypeScript sources through tsx, so the lab works without a build step.
 */
/**
 * V8's young generation defaults to 16 MiB semi-spaces, sized for throughput-heavy servers; BareLB's
 * processes allocate little, and 2 MiB cuts their resident memory by tens of MiB. The same flag is set
 * through NODE_OPTIONS in deploy/.
 */
export const NODE_MEMORY_FLAGS = ['--max-semi-space-size=2'];

export function barelbCommand(): { cmd: string; args: string[] } {
  // BARELB_LAB_RUNTIME=dist runs the built JavaScript even from tsx (benchmarks measure what ships).
  const runningBuilt = import.meta.url.includes('/dist/') || process.env.BARELB_LAB_RUNTIME === 'dist';
  const built = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (runningBuilt && existsSync(built))
    return { cmd: process.execPath, args: [...NODE_MEMORY_FLAGS, built] };
  return {
    cmd: process.execPath,
    args: [...NODE_MEMORY_FLAGS, '--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts')],
  };
}

export function controllerSpec(ns: string, paths: LabPaths, kubeconfig: string, replica = 1): ProcessSpec {
  const { cmd, args } = barelbCommand();
  const name = replica === 1 ? 'controller' : `controller-${replica}`;
  return {
    name,
    ns,
    cmd,
    args: [
      ...args,
      'controller',
      `--kubeconfig=${kubeconfig}`,
      `--metrics-addr=127.0.0.1:${7471 + replica}`,
      `--identity=${name}`,
    ],
    env: { NODE_ENV: 'production' },
    logFile: join(paths.logs, `${name}.log`),
  };
}

export function speakerSpec(
  ns: string,
  node: string,
  paths: LabPaths,
  kubeconfig: string,
  keyFile: string,
): ProcessSpec {
  const { cmd, args } = barelbCommand();
  return {
    name: `speaker-${node}`,
    ns,
    cmd,
    args: [
      ...args,
      'speaker',
      `--kubeconfig=${kubeconfig}`,
      `--node=${node}`,
      `--heartbeat-key-file=${keyFile}`,
      '--metrics-addr=127.0.0.1:7473',
      // The node's pod bridge is not where clients are.
      '--exclude-interfaces=cbr0',
    ],
    env: { NODE_ENV: 'production' },
    logFile: join(paths.logs, `speaker-${node}.log`),
  };
}
