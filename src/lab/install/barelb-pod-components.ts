import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_NAMESPACE } from '../../config/crd-types.js';
import type { CommandResult, RunOptions } from '../cluster/command.js';
import type { Components } from '../cluster/components.js';
import { LabError } from '../cluster/lab-error.js';
import type { LabNames } from '../cluster/names.js';
import { forcedStopError } from '../cluster/process-table.js';
import { type StopResult, waitExit } from '../cluster/processes.js';
import { realNodeCgroupRoot } from '../cluster/real-node-specs.js';
import { type BareLbRole, bareLbPodProcesses, type PodProcess } from './barelb-pod-processes.js';
import { BARELB_STOP_BOUND_MS } from './barelb-specs.js';

/** What BareLB's pods need from the cluster layer. */
export interface PodComponentsTarget {
  readonly names: LabNames;
  /** The lab's state directory: what a replaced Pod logged is kept under its logs/. */
  readonly stateDir: string;
  readonly nodes: readonly string[];
  kubectl(args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
}

/** The workload that owns each role's pods in deploy/. */
const WORKLOAD: Record<BareLbRole, string> = {
  speaker: 'daemonset/barelb-speaker',
  controller: 'deployment/barelb-controller',
};

const REPLACEMENT_WAIT_MS = 180_000;

/**
 * BareLB's components on real nodes: `speaker-<node>` is the speaker container on that node,
 * `controller` the leading controller replica, and each controller replica also answers to its Pod's
 * name. They are found in /proc (see barelb-pod-processes.ts). A stop or signal goes to the
 * container's process, and the kubelet starts a stopped container again, as in any cluster. A restart
 * is a Pod deletion as `kubectl rollout restart` makes it, with the SIGTERM sent at once by the lab
 * rather than whenever the kubelet gets to it: after an API server outage a kubelet took over 10 s to
 * act on a deletion, which would be timed as the speaker's shutdown. So the stop bound
 * (BARELB_STOP_BOUND_MS) is measured from the signal; then the Pod is deleted and its DaemonSet or
 * Deployment replaces it (a new Pod, so no crash-loop back-off). Everything else (control plane,
 * kube-proxy, kubelets) is a host process of `others`.
 */
export class BareLbPodComponents implements Components {
  private readonly roots: ReadonlyMap<string, string>;

  constructor(
    private readonly target: PodComponentsTarget,
    private readonly others: Components,
  ) {
    this.roots = new Map(target.nodes.map((n) => [realNodeCgroupRoot(target.names, n), n]));
  }

  async names(): Promise<readonly string[]> {
    const procs = bareLbPodProcesses(this.roots);
    const controllers = procs.filter((p) => p.role === 'controller').map((p) => p.pod);
    return [
      ...(await this.others.names()),
      ...procs.filter((p) => p.role === 'speaker').map((p) => `speaker-${p.node}`),
      ...(controllers.length > 0 ? ['controller', ...controllers] : []),
    ];
  }

  async pid(name: string): Promise<number | undefined> {
    if (!this.isPod(name)) return this.others.pid(name);
    return (await this.find(name))?.pid;
  }

  async restart(name: string): Promise<StopResult> {
    if (!this.isPod(name)) return this.others.restart(name);
    // A speaker that was stopped may be waiting out the kubelet's restart back-off: its Pod is still
    // there to delete, and the DaemonSet's replacement starts at once.
    const p = (await this.find(name)) ?? (await this.stoppedSpeaker(name));
    if (!p) throw await this.notRunning(name);
    const started = performance.now();
    signalPid(p.pid, 'SIGTERM');
    const exited = p.pid === 0 || (await waitExit(p.pid, BARELB_STOP_BOUND_MS));
    const ms = Math.round(performance.now() - started);
    await this.keepLogs(p.pod);
    // A hung process is the kubelet's to kill now, after the Pod's grace period, as in a cluster.
    await this.target.kubectl(['-n', DEFAULT_NAMESPACE, 'delete', 'pod', p.pod, '--wait=false']);
    await this.waitReplaced(p);
    if (!exited) throw forcedStopError([{ name, graceMs: BARELB_STOP_BOUND_MS, bounded: true }]);
    return { outcome: p.pid === 0 ? 'not-running' : 'exited', ms };
  }

  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> {
    if (!this.isPod(name)) return this.others.stop(name, signal);
    const p = await this.mustFind(name);
    const started = performance.now();
    const result = (outcome: StopResult['outcome']): StopResult => ({
      outcome,
      ms: Math.round(performance.now() - started),
    });
    signalPid(p.pid, signal);
    if (signal === 'SIGKILL') {
      await waitExit(p.pid, 10_000);
      return result('killed');
    }
    if (await waitExit(p.pid, BARELB_STOP_BOUND_MS)) return result('exited');
    signalPid(p.pid, 'SIGKILL');
    await waitExit(p.pid, 10_000);
    throw forcedStopError([{ name, graceMs: BARELB_STOP_BOUND_MS, bounded: true }]);
  }

  async signal(name: string, signal: NodeJS.Signals): Promise<void> {
    if (!this.isPod(name)) return this.others.signal(name, signal);
    signalPid((await this.mustFind(name)).pid, signal);
  }

  start(spec: Parameters<Components['start']>[0]): Promise<void> {
    if (this.isPod(spec.name))
      return Promise.reject(
        new LabError('UNSUPPORTED', `${spec.name}: on real nodes BareLB runs from deploy/'s workloads`),
      );
    return this.others.start(spec);
  }

  private isPod(name: string): boolean {
    if (name === 'controller' || name.startsWith('barelb-controller-')) return true;
    return name.startsWith('speaker-') && this.target.nodes.includes(name.slice('speaker-'.length));
  }

  private async find(name: string): Promise<PodProcess | undefined> {
    const procs = bareLbPodProcesses(this.roots);
    if (name.startsWith('speaker-'))
      return procs.find((p) => p.role === 'speaker' && `speaker-${p.node}` === name);
    const controllers = procs.filter((p) => p.role === 'controller');
    if (name !== 'controller') return controllers.find((p) => p.pod === name);
    const leader = await this.leader();
    return controllers.find((p) => p.pod === leader) ?? controllers[0];
  }

  private async mustFind(name: string): Promise<PodProcess> {
    const p = await this.find(name);
    if (!p) throw await this.notRunning(name);
    return p;
  }

  private async notRunning(name: string): Promise<LabError> {
    return new LabError(
      'UNKNOWN_TARGET',
      `${name} is not running (names: ${(await this.names()).join(', ')})`,
    );
  }

  /**
   * Saves what the Pod's containers logged (this run and, when the kubelet has started it again, the
   * one before) to logs/pods/<pod>.log: the kubelet removes a deleted Pod's logs, and a test that fails
   * around a restart is read from them.
   */
  private async keepLogs(pod: string): Promise<void> {
    const text: string[] = [];
    for (const previous of [true, false]) {
      const r = await this.target.kubectl(
        [
          '-n',
          DEFAULT_NAMESPACE,
          'logs',
          pod,
          '--all-containers',
          '--timestamps',
          ...(previous ? ['--previous'] : []),
        ],
        { check: false, timeoutMs: 15_000 },
      );
      if (r.code === 0) text.push(`--- ${previous ? 'the run before' : 'the last run'} ---\n${r.stdout}`);
    }
    const dir = join(this.target.stateDir, 'logs', 'pods');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${pod}.log`), text.join('')).catch(() => undefined);
  }

  /** The speaker Pod of a node whose container is not running now (pid 0), from the API. */
  private async stoppedSpeaker(name: string): Promise<PodProcess | undefined> {
    const node = name.slice('speaker-'.length);
    if (!name.startsWith('speaker-') || !this.target.nodes.includes(node)) return undefined;
    const r = await this.target.kubectl(
      [
        '-n',
        DEFAULT_NAMESPACE,
        'get',
        'pods',
        '-l',
        'app.kubernetes.io/component=speaker',
        '--field-selector',
        `spec.nodeName=${node}`,
        '-o',
        'jsonpath={.items[0].metadata.name}',
      ],
      { check: false },
    );
    const pod = r.code === 0 ? r.stdout.trim() : '';
    return pod ? { pid: 0, role: 'speaker', node, pod } : undefined;
  }

  /** The controller replica holding the leader Lease (its identity is its Pod's name). */
  private async leader(): Promise<string | undefined> {
    const r = await this.target.kubectl(
      ['-n', DEFAULT_NAMESPACE, 'get', 'lease', 'barelb-controller', '-o', 'jsonpath={.spec.holderIdentity}'],
      { check: false },
    );
    return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
  }

  /** A new process for the deleted Pod's role (and node, for a speaker), then the workload rolled out. */
  private async waitReplaced(old: PodProcess): Promise<void> {
    const deadline = performance.now() + REPLACEMENT_WAIT_MS;
    const replaced = () =>
      bareLbPodProcesses(this.roots).some(
        (p) => p.role === old.role && p.pod !== old.pod && (old.role !== 'speaker' || p.node === old.node),
      );
    while (!replaced()) {
      if (performance.now() > deadline)
        throw new LabError('NOT_READY', `no replacement for ${old.pod} after ${REPLACEMENT_WAIT_MS} ms`);
      await sleep(100);
    }
    await this.target.kubectl(
      [
        '-n',
        DEFAULT_NAMESPACE,
        'rollout',
        'status',
        WORKLOAD[old.role],
        `--timeout=${REPLACEMENT_WAIT_MS / 1000}s`,
      ],
      { timeoutMs: REPLACEMENT_WAIT_MS + 10_000 },
    );
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  // 0 (or less) would signal the lab's own process group.
  if (pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
