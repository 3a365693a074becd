import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './command.js';

/** How to start one long-running lab process; kept in the state file so `lab restart` can start it again. */
export interface ProcessSpec {
  readonly name: string;
  readonly ns: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Host variables, by name prefix, that the process does not inherit (`env` is still applied). The
   * lab sets this on BareLB's processes so they run with the image's environment, not the shell's.
   */
  readonly withoutHostEnv?: readonly string[];
  readonly logFile: string;
  /**
   * Set on processes whose shutdown is under test (the layers above set it on BareLB's): they must exit
   * this long after SIGTERM, and needing SIGKILL fails the stop. `down` stops them before the rest,
   * while the apiserver still answers what their graceful stop does (a Lease release, for example).
   */
  readonly stopBoundMs?: number;
  /**
   * Enter the namespace with `nsenter --net=` instead of `ip netns exec`: the latter also makes a mount
   * namespace and remounts /sys, which hides the cgroup mounts a kubelet and runc need.
   */
  readonly nsenter?: boolean;
}

export interface ProcessRecord extends ProcessSpec {
  readonly pid: number;
}

/**
 * Starts a process inside a network namespace, detached into its own session with its output in a
 * log file. With `dieWithParent`, the kernel kills it when the process that started it dies (setpriv
 * --pdeathsig): a test runner that is killed hard leaves no lab processes behind.
 */
export function startProcess(spec: ProcessSpec, dieWithParent: boolean): ProcessRecord {
  const out = openSync(spec.logFile, 'a');
  try {
    const wrapped = dieWithParent ? ['setpriv', '--pdeathsig', 'KILL', '--', spec.cmd] : [spec.cmd];
    const enter = spec.nsenter
      ? ['nsenter', `--net=/var/run/netns/${spec.ns}`]
      : ['ip', 'netns', 'exec', spec.ns];
    const [cmd = 'ip', ...enterArgs] = enter;
    const child = spawn(cmd, [...enterArgs, ...wrapped, ...spec.args], {
      detached: true,
      stdio: ['ignore', out, out],
      env: processEnv(process.env, spec),
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.name}`);
    child.unref();
    return { ...spec, pid: child.pid };
  } finally {
    closeSync(out);
  }
}

/** A process's environment: the host's, less the prefixes it must not inherit, then its own. */
export function processEnv(
  host: NodeJS.ProcessEnv,
  spec: Pick<ProcessSpec, 'env' | 'withoutHostEnv'>,
): NodeJS.ProcessEnv {
  const drop = spec.withoutHostEnv ?? [];
  const kept = Object.entries(host).filter(([name]) => !drop.some((prefix) => name.startsWith(prefix)));
  return { ...Object.fromEntries(kept), ...spec.env };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); treat it as gone.
  return readStat(pid) !== 'Z';
}

function readStat(pid: number): string | undefined {
  try {
    // Synchronous on purpose: it is one tiny procfs read on a shutdown path.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** True when `pid` still runs the binary we started (guards against pid reuse after a reboot). */
export async function runsCommand(pid: number, cmd: string): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').some((arg) => arg === cmd || arg.endsWith(`/${cmd}`));
  } catch {
    return false;
  }
}

/**
 * How a stop went: the process was already gone, exited after the signal, or was still running
 * `graceMs` after it and had to be killed. `ms` is how long it took, on the monotonic clock.
 */
export interface StopResult {
  readonly outcome: 'not-running' | 'exited' | 'killed';
  readonly ms: number;
}

/**
 * SIGTERM (or `signal`), then SIGKILL after `graceMs`. Resolves when the process is gone, saying
 * whether SIGKILL was needed: a process that ignores SIGTERM is a bug the caller may want to fail on.
 */
export async function stopProcess(
  pid: number,
  graceMs = 5_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<StopResult> {
  const started = performance.now();
  const result = (outcome: StopResult['outcome']): StopResult => ({
    outcome,
    ms: Math.round(performance.now() - started),
  });
  if (!isAlive(pid)) return result('not-running');
  try {
    process.kill(pid, signal);
  } catch {
    return result('not-running');
  }
  if (signal === 'SIGKILL') {
    await waitExit(pid);
    return result('killed');
  }
  if (await waitExit(pid, graceMs)) return result('exited');
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return result('exited');
  }
  await waitExit(pid);
  return result('killed');
}

/** Resolves true once `pid` is gone (zombies count as gone), false if it still runs after `timeoutMs`. */
export async function waitExit(pid: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (isAlive(pid)) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Every process whose network namespace is `ns` (what `ip netns pids` reports). */
export async function pidsInNamespace(ns: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', ns], { check: false, timeoutMs: 10_000 });
  return r.stdout
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** SIGKILL to every process in a namespace, as a power cut would. */
export async function killAllIn(ns: string): Promise<void> {
  for (const pid of await pidsInNamespace(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
