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
 * V8 flags per role, sized for what each process does (deploy/ and the chart set the same through
 * the container command; node-flags-in-manifests.test.ts holds them together).
 *
 * - Young generation: the speaker allocates little, so 1 MiB costs nothing; the controller
 *   reconciles thousands of objects in bursts, and 4 MiB lets a burst's short-lived objects die young
 *   (1,000 queued Services drained in 5.3 s with 1 MiB, 4.0 s with 4 MiB, one bench:controller pair).
 * - --optimize-for-size sizes the heap tighter and keeps the compilers (speaker with 1,000 Services
 *   98-101 MiB with it, 106-155 MiB without, when it still loaded @kubernetes/client-node).
 * - --max-opt caps V8's tiers without lite mode (which is --jitless: no compiler at all). Each
 *   optimizing tier costs RSS for its code, its compile-time zones and the pages of Node's binary it
 *   runs. The speaker stops at Sparkplug (1), the baseline compiler: with 1,000 Services it held
 *   69.2-70.3 MiB against 80.1-82.8 with every tier (idle 65.4-65.7 against 68.7-68.8), in
 *   `npm run bench:lean`, 2026-12-04; its work is event handling, and an ARP reply took p50 0.105-0.109 ms
 *   against 0.081-0.089, p99 0.62-0.76 against 0.69-0.73 ms (npm run bench:arp, interleaved). The
 *   controller's allocator is pure computation that Sparkplug runs 3x slower (npm run
 *   bench:allocator), so it stops at Maglev (2), within 1.3x of TurboFan there: 1,000 queued Services
 *   drained as fast as with TurboFan (bench:controller start -> last 3.36-3.63 s against 3.09-4.31 s,
 *   interleaved runs), with RSS after the backlog 85-88 MiB against 89-97.
 */
export const NODE_FLAGS = {
  controller: ['--max-semi-space-size=4', '--optimize-for-size', '--max-opt=2'],
  speaker: ['--max-semi-space-size=1', '--optimize-for-size', '--max-opt=1'],
} as const;

/** The image's ENV (Dockerfile), so host-process components run as the image does. */
export const RUNTIME_ENV = { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' } as const;

/**
 * Node reads NODE_* variables, and a pod sees none of the shell's. This machine's shell sets
 * NODE_EXTRA_CA_CERTS to the system bundle (144 certificates: `grep -c "BEGIN CERTIFICATE"`), which
 * every TLS context of the lab's BareLB parsed and a pod never loads: about 1 MiB more anonymous
 * memory in the controller (a follower beside the lab's own, with and without it: 19.2 against 18.2
 * MiB, issue 14).
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
