import { LabError } from './lab-error.js';
import type { LabState } from './lab-state.js';
import {
  isAlive,
  type ProcessRecord,
  type ProcessSpec,
  runsCommand,
  type StopResult,
  startProcess,
  stopProcess,
} from './processes.js';

/** Processes without a stop bound (etcd, the apiserver, kube-proxy, pods) get this long before SIGKILL. */
const UNBOUNDED_STOP_GRACE_MS = 10_000;
/** In `down`, which removes everything anyway, they get less. */
const UNBOUNDED_DOWN_GRACE_MS = 3_000;

/** A process the lab had to SIGKILL after SIGTERM. */
export interface ForcedStop {
  readonly name: string;
  readonly graceMs: number;
  /** It had a stop bound: needing SIGKILL is a shutdown bug, not just a slow process. */
  readonly bounded: boolean;
}

export function forcedStopError(forced: readonly ForcedStop[]): LabError {
  const list = forced.map((f) => `${f.name} (still running ${f.graceMs} ms after SIGTERM)`).join(', ');
  return new LabError('STOP_TIMEOUT', `processes with a stop bound needed SIGKILL: ${list}`);
}

/**
 * The lab's long-running processes, recorded in its state file by name so that `restart`, `kill` and
 * `down` work from another process than the one that started them.
 */
export class ProcessTable {
  constructor(
    private readonly state: LabState,
    private readonly save: () => Promise<void>,
    private readonly dieWithParent: boolean,
  ) {}

  /** Names of the recorded processes, e.g. `etcd`, `kube-proxy-n1`, `pod-demo-n1-1`. */
  get names(): readonly string[] {
    return Object.keys(this.state.processes);
  }

  /** Starts a long-running process and records it. */
  async start(spec: ProcessSpec): Promise<void> {
    this.state.processes[spec.name] = startProcess(spec, this.dieWithParent);
    await this.save();
  }

  pid(name: string): number | undefined {
    const p = this.state.processes[name];
    return p && isAlive(p.pid) ? p.pid : undefined;
  }

  /** The recorded processes that run in network namespace `ns`. */
  inNamespace(ns: string): readonly ProcessRecord[] {
    return Object.values(this.state.processes).filter((p) => p.ns === ns);
  }

  /** Starts a recorded process again with its recorded command line, if it is not running. */
  async startAgainIfDead(rec: ProcessRecord): Promise<void> {
    if (isAlive(rec.pid)) return;
    const { pid: _pid, ...spec } = rec;
    await this.start(spec);
  }

  /**
   * Gracefully stops a process and starts it again with the same command line. Fails (after starting
   * it again) when a process with a stop bound needed SIGKILL.
   */
  async restart(name: string): Promise<StopResult> {
    const rec = this.state.processes[name];
    if (!rec) throw new LabError('UNKNOWN_TARGET', `no component ${name}; known: ${this.names.join(', ')}`);
    const graceMs = stopGraceMs(rec);
    const stopped = await stopProcess(rec.pid, graceMs);
    const { pid: _pid, ...spec } = rec;
    await this.start(spec);
    if (stopped.outcome === 'killed' && rec.stopBoundMs !== undefined)
      throw forcedStopError([{ name, graceMs, bounded: true }]);
    return stopped;
  }

  /**
   * Stops a process (SIGTERM, or the signal given) without starting it again. A process with a stop
   * bound that needs SIGKILL after SIGTERM fails the call.
   */
  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> {
    const rec = this.state.processes[name];
    if (!rec) throw new LabError('UNKNOWN_TARGET', `no component ${name}`);
    const graceMs = stopGraceMs(rec);
    const stopped = await stopProcess(rec.pid, graceMs, signal);
    if (signal !== 'SIGKILL' && stopped.outcome === 'killed' && rec.stopBoundMs !== undefined)
      throw forcedStopError([{ name, graceMs, bounded: true }]);
    return stopped;
  }

  /** Stops a process within `graceMs` and forgets it (a pod that is removed). */
  async remove(name: string, graceMs: number): Promise<void> {
    const rec = this.state.processes[name];
    if (rec) await stopProcess(rec.pid, graceMs);
    delete this.state.processes[name];
  }

  /** Sends a signal without waiting (SIGSTOP / SIGCONT to freeze and thaw a process). */
  signal(name: string, signal: NodeJS.Signals): void {
    const rec = this.state.processes[name];
    if (!rec) throw new LabError('UNKNOWN_TARGET', `no component ${name}`);
    process.kill(rec.pid, signal);
  }
}

function stopGraceMs(rec: ProcessSpec): number {
  return rec.stopBoundMs ?? UNBOUNDED_STOP_GRACE_MS;
}

/**
 * The order `down` stops processes in: those with a stop bound first, while the apiserver still
 * answers their graceful stop (a controller releases its Lease); then reverse start order, so
 * workloads and node agents go before the apiserver and etcd.
 */
export function downOrder(processes: Readonly<Record<string, ProcessSpec>>): string[] {
  const entries = Object.entries(processes).reverse();
  return [
    ...entries.filter(([, p]) => p.stopBoundMs !== undefined),
    ...entries.filter(([, p]) => p.stopBoundMs === undefined),
  ].map(([name]) => name);
}

/** Stops every recorded process of a lab; returns those that needed SIGKILL. */
export async function stopAll(processes: Readonly<Record<string, ProcessRecord>>): Promise<ForcedStop[]> {
  const forced: ForcedStop[] = [];
  for (const name of downOrder(processes)) {
    const rec = processes[name];
    if (!rec || !(await runsCommand(rec.pid, rec.cmd))) continue;
    const graceMs = rec.stopBoundMs ?? UNBOUNDED_DOWN_GRACE_MS;
    if ((await stopProcess(rec.pid, graceMs)).outcome === 'killed')
      forced.push({ name, graceMs, bounded: rec.stopBoundMs !== undefined });
  }
  return forced;
}
