import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../cluster/binaries.js';
import type { LabPaths } from '../cluster/lab-paths.js';
import type { ProcessSpec } from '../cluster/processes.js';

/**
 * A BareLB process must exit this long after SIGTERM (hand-over 1 s, Lease release at most 2 s, then
 * closing watches); needing SIGKILL means a shutdown bug, such as a timer that keeps it alive.
 */
export const BARELB_STOP_BOUND_MS = 5_000;

/**
 * V8 flags per role, sized for what each process does (deploy/ sets the same through the container
 * command). The speaker allocates little, so a 1 MiB young generation costs nothing. Neither runs
 * in V8's lite mode, which turns the optimizing compilers off: that saved about 20 MiB of RSS while
 * both loaded @kubernetes/client-node, and they no longer do (issue 14). --optimize-for-size keeps
 * the compilers and only sizes the heap tighter: with 1,000 Services the speaker's RSS stayed at
 * 98-101 MiB with it and rose to 106-155 MiB without (one lab each, a busy machine). The
 * controller reconciles thousands of objects in bursts. A
 * 4 MiB young generation lets a burst's short-lived objects die young (in one A/B pair of
 * `npm run bench:controller` runs, 1,000 queued Services drained in 5.3 s with 1 MiB, 4.0 s with
 * 4 MiB), and --optimize-for-size holds RSS at 117-129 MiB (143-149 MiB without it).
 */
export const NODE_FLAGS = {
  controller: ['--max-semi-space-size=4', '--optimize-for-size'],
  speaker: ['--max-semi-space-size=1', '--optimize-for-size'],
} as const;

/** The image's ENV (Dockerfile), so host-process components run as the image does. */
export const RUNTIME_ENV = { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' } as const;

/**
 * Node reads NODE_* variables, and a pod sees none of the shell's. This machine's shell sets
 * NODE_EXTRA_CA_CERTS to the system bundle, so every TLS context of the lab's BareLB parsed some
 * 150 CA certificates that a pod never loads: about 1 MiB more anonymous memory in the controller
 * (a follower beside the lab's own, with and without it: 19.2 against 18.2 MiB, issue 14).
 */
const HOST_ENV_NOT_INHERITED = ['NODE_'] as const;

/**
 * The environment of BareLB's host processes: the image's, and NODE_OPTIONS only when asked for by
 * BARELB_LAB_NODE_OPTIONS (a heap snapshot signal, say), never the shell's own.
 */
export function barelbProcessEnv(
  host: NodeJS.ProcessEnv = process.env,
): Pick<ProcessSpec, 'env' | 'withoutHostEnv'> {
  const debug = host.BARELB_LAB_NODE_OPTIONS;
  return {
    env: { ...RUNTIME_ENV, ...(debug ? { NODE_OPTIONS: debug } : {}) },
    withoutHostEnv: HOST_ENV_NOT_INHERITED,
  };
}

/**
 * How to run this checkout's `barelb` CLI: the built JavaScript when `dist/` exists and is what we
 * run from, otherwise the TypeScript sources through tsx, so the lab works without a build step.
 */
export function barelbCommand(nodeFlags: readonly string[] = []): { cmd: string; args: string[] } {
  // BARELB_LAB_RUNTIME=dist runs the built JavaScript even from tsx (benchmarks measure what ships).
  const runningBuilt = import.meta.url.includes('/dist/') || process.env.BARELB_LAB_RUNTIME === 'dist';
  // dist/bin/: the bundle the image runs (scripts/bundle.mjs), so the lab weighs what users run.
  const built = join(REPO_ROOT, 'dist', 'bin', 'barelb.js');
  if (runningBuilt && existsSync(built)) return { cmd: process.execPath, args: [...nodeFlags, built] };
  return {
    cmd: process.execPath,
    args: [...nodeFlags, '--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts')],
  };
}

export function controllerSpec(ns: string, paths: LabPaths, kubeconfig: string, replica = 1): ProcessSpec {
  const { cmd, args } = barelbCommand(NODE_FLAGS.controller);
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
    ...barelbProcessEnv(),
    logFile: join(paths.logs, `${name}.log`),
    stopBoundMs: BARELB_STOP_BOUND_MS,
  };
}

export function speakerSpec(
  ns: string,
  node: string,
  paths: LabPaths,
  kubeconfig: string,
  keyFile: string,
): ProcessSpec {
  const { cmd, args } = barelbCommand(NODE_FLAGS.speaker);
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
    ...barelbProcessEnv(),
    logFile: join(paths.logs, `speaker-${node}.log`),
    stopBoundMs: BARELB_STOP_BOUND_MS,
  };
}
