import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../k8s/keep-alive-kube-config.js';
import { type LabAddresses, labAddresses, MAX_LABS, podIp } from './addressing.js';
import { type BareLBParts, installBareLB } from './barelb-install.js';
import { ensureBinaries } from './binaries.js';
import { generateCerts } from './certs.js';
import { createRunningPod, registerNode } from './cluster-objects.js';
import { type CommandResult, type RunOptions, run } from './command.js';
import {
  APISERVER_PORT,
  apiserverSpec,
  controllerManagerSpec,
  etcdSpec,
  kubeProxySpec,
  type LabPaths,
  podServerSpec,
} from './component-specs.js';
import { writeKubeconfig } from './kubeconfig.js';
import { LabError } from './lab-error.js';
import { DEFAULT_STATE_DIR, type LabState, type PodRecord, readState, writeState } from './lab-state.js';
import { type LabNames, labIndexOfNamespace, labNames, nodeName } from './names.js';
import {
  armCut,
  createNodePodNetwork,
  createPodNetwork,
  createSegment,
  deleteLink,
  deleteNamespace,
  listNamespaces,
  restoreNodeRoutes,
  reviveNamespace,
} from './network.js';
import {
  isAlive,
  type ProcessSpec,
  pidsInNamespace,
  runsCommand,
  type StopResult,
  startProcess,
  stopProcess,
} from './processes.js';

/**
 * A BareLB process must exit this long after SIGTERM (hand-over 1 s, Lease release at most 2 s, then
 * closing watches); needing SIGKILL means a shutdown bug, such as a timer that keeps it alive.
 */
export const BARELB_STOP_BOUND_MS = 5_000;
/** Other lab processes (etcd, the apiserver, pods) get this long before SIGKILL. */
const OTHER_STOP_GRACE_MS = 10_000;

/** The lab's BareLB processes: the controller replicas and the speakers. */
export function isBareLBProcess(name: string): boolean {
  return name === 'controller' || name.startsWith('controller-') || name.startsWith('speaker-');
}

/** A process the lab had to SIGKILL after SIGTERM. */
export interface ForcedStop {
  readonly name: string;
  readonly graceMs: number;
}

function stopGraceMs(name: string): number {
  return isBareLBProcess(name) ? BARELB_STOP_BOUND_MS : OTHER_STOP_GRACE_MS;
}

function forcedStopError(forced: readonly ForcedStop[]): LabError {
  const list = forced.map((f) => `${f.name} (still running ${f.graceMs} ms after SIGTERM)`).join(', ');
  return new LabError('STOP_TIMEOUT', `BareLB processes needed SIGKILL: ${list}`);
}

export interface LabOptions {
  /** Number of nodes (n1..nN). Default 3. */
  readonly nodes?: number;
  /** Where the lab keeps certificates, logs and its state file. Default `.barelb/lab`. */
  readonly stateDir?: string;
  /** Ready binaries instead of the cached build (else `BARELB_K8S_BIN_DIR`, else build). */
  readonly binDir?: string;
  /**
   * Kill the lab's processes when this process dies (tests). `barelb lab up` leaves them running
   * detached instead, for `lab down` to stop.
   */
  readonly dieWithParent?: boolean;
  /** The cluster alone, without BareLB's controller and speakers. */
  readonly bare?: boolean;
  /** Controller replicas when not bare. Default 1. */
  readonly controllers?: number;
  /** Run a speaker per node when not bare. Default true. */
  readonly speakers?: boolean;
  /** Deploy the `demo` LoadBalancer Service when not bare. Default true. */
  readonly demo?: boolean;
  /** Progress lines for people watching. */
  readonly progress?: (line: string) => void;
}

export interface PodOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly node: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A real local Kubernetes cluster: etcd, kube-apiserver and kube-controller-manager in a
 * control-plane network namespace, nodes as namespaces running a real kube-proxy each, pods as
 * namespaces behind their node, and a client namespace on the same L2 segment. See DESIGN.md §5.
 */
export class Lab {
  private constructor(
    private state: LabState,
    readonly addresses: LabAddresses,
    readonly names: LabNames,
    private readonly dieWithParent: boolean,
    private readonly barelb: BareLBParts | undefined = undefined,
  ) {}

  get kubeconfig(): string {
    return this.state.kubeconfig;
  }
  get internalKubeconfig(): string {
    return this.state.internalKubeconfig;
  }
  get nodes(): readonly string[] {
    return this.state.nodes;
  }
  get stateDir(): string {
    return this.state.stateDir;
  }
  get binDir(): string {
    return this.state.binDir;
  }
  get pods(): readonly PodRecord[] {
    return Object.values(this.state.pods);
  }

  /** A client for the lab's apiserver, as the admin. */
  kubeConfig(): KubeConfig {
    return loadKubeConfig(this.kubeconfig);
  }

  nodeIp(node: string): string {
    const i = this.state.nodes.indexOf(node);
    const ip = this.addresses.nodeIps[i];
    if (i < 0 || ip === undefined) throw new LabError('UNKNOWN_TARGET', `no node ${node} in this lab`);
    return ip;
  }

  static async start(opts: LabOptions = {}): Promise<Lab> {
    if (process.getuid?.() !== 0)
      throw new LabError('NOT_ROOT', 'the lab creates network namespaces and must run as root');
    const progress = opts.progress ?? (() => {});
    const stateDir = resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
    const existing = await readState(stateDir);
    if (existing) {
      const live = (await listNamespaces()).includes(labNames(existing.index).cpNs);
      if (live)
        throw new LabError(
          'NOT_READY',
          `a lab is already running with state in ${stateDir}; run \`barelb lab down\` first`,
        );
      await Lab.down(stateDir);
    }
    const binDir = await ensureBinaries(opts.binDir);
    const nodeCount = opts.nodes ?? 3;
    const index = await claimIndex();
    const names = labNames(index);
    const addrs = labAddresses(index, nodeCount);
    const nodes = Array.from({ length: nodeCount }, (_, i) => nodeName(i + 1));
    const state: LabState = {
      version: 1,
      index,
      nodes,
      binDir,
      stateDir,
      kubeconfig: join(stateDir, 'kubeconfig'),
      internalKubeconfig: join(stateDir, 'kubeconfig-internal'),
      processes: {},
      pods: {},
      nextVeth: 1,
    };
    const barelb = opts.bare
      ? undefined
      : { controllers: opts.controllers ?? 1, speakers: opts.speakers ?? true, demo: opts.demo ?? true };
    const lab = new Lab(state, addrs, names, opts.dieWithParent ?? false, barelb);
    const started = performance.now();
    try {
      await rm(join(stateDir, 'etcd'), { recursive: true, force: true });
      await mkdir(join(stateDir, 'certs'), { recursive: true });
      await mkdir(join(stateDir, 'logs'), { recursive: true });
      await writeState(state);
      await lab.bringUp(progress);
      progress(`lab ${names.prefix} up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return lab;
    } catch (err) {
      progress(`lab start failed, cleaning up: ${(err as Error).message}`);
      await Lab.down(stateDir);
      throw err;
    }
  }

  /** Opens a lab that another process started, from its state directory. */
  static async attach(stateDir = DEFAULT_STATE_DIR): Promise<Lab> {
    const state = await readState(resolve(stateDir));
    if (!state)
      throw new LabError(
        'NOT_RUNNING',
        `no lab state in ${resolve(stateDir)}; start one with \`barelb lab up\``,
      );
    return new Lab(state, labAddresses(state.index, state.nodes.length), labNames(state.index), false);
  }

  paths(): LabPaths {
    return {
      stateDir: this.state.stateDir,
      binDir: this.state.binDir,
      certs: join(this.state.stateDir, 'certs'),
      logs: join(this.state.stateDir, 'logs'),
    };
  }

  private async bringUp(progress: (line: string) => void): Promise<void> {
    const { names, addresses: addrs } = this;
    const paths = this.paths();
    progress('certificates');
    await generateCerts(paths.certs, [addrs.cpIp, addrs.hostLinkCpIp, firstServiceIp(addrs.serviceCidrV4)]);
    const internal = `https://${addrs.cpIp}:${APISERVER_PORT}`;
    await writeKubeconfig(
      this.state.kubeconfig,
      `https://${addrs.hostLinkCpIp}:${APISERVER_PORT}`,
      paths.certs,
      'admin',
    );
    await writeKubeconfig(this.state.internalKubeconfig, internal, paths.certs, 'admin');
    await writeKubeconfig(
      join(paths.stateDir, 'kube-controller-manager.kubeconfig'),
      internal,
      paths.certs,
      'kube-controller-manager',
    );
    await writeKubeconfig(join(paths.stateDir, 'kube-proxy.kubeconfig'), internal, paths.certs, 'kube-proxy');

    progress('network namespaces');
    for (const ns of [names.clientNs, ...this.nodes.map((n) => names.nodeNs(n))])
      await run('ip', ['netns', 'add', ns]);
    await createSegment(names, addrs, this.nodes);
    for (const [i, node] of this.nodes.entries()) await createNodePodNetwork(names.nodeNs(node), addrs, i);

    progress('etcd');
    await this.startComponent(etcdSpec(names, paths));
    await this.waitFor('etcd', () => this.httpOk(names.cpNs, 'http://127.0.0.1:2379/health'), 30_000);
    progress('kube-apiserver');
    await this.startComponent(apiserverSpec(names, addrs, paths));
    await this.waitApiserver(60_000);
    progress('kube-controller-manager');
    await this.startComponent(controllerManagerSpec(names, paths));

    progress('nodes and kube-proxy');
    const core = this.kubeConfig().makeApiClient(CoreV1Api);
    for (const [i, node] of this.nodes.entries()) {
      await registerNode(core, node, this.nodeIp(node), addrs.podCidrs[i] ?? '');
      await this.startComponent(kubeProxySpec(names, addrs, paths, node, this.nodeIp(node)));
    }
    for (const node of this.nodes) {
      await this.waitFor(
        `kube-proxy on ${node}`,
        () => this.httpOk(names.nodeNs(node), 'http://127.0.0.1:10256/healthz'),
        60_000,
      );
    }
    await this.waitFor('default ServiceAccount', () => this.hasDefaultServiceAccount(core), 60_000);
    if (this.barelb) await installBareLB(this, this.barelb, progress);
  }

  private async hasDefaultServiceAccount(core: CoreV1Api): Promise<boolean> {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
      return true;
    } catch {
      return false;
    }
  }

  /** Waits for the apiserver's /readyz, with the admin certificate, from inside the lab. */
  async waitApiserver(timeoutMs: number): Promise<void> {
    const c = (f: string) => join(this.paths().certs, f);
    await this.waitFor(
      'kube-apiserver /readyz',
      async () => {
        const r = await run(
          'ip',
          [
            'netns',
            'exec',
            this.names.cpNs,
            'curl',
            '-sf',
            '--max-time',
            '2',
            '--cacert',
            c('ca.crt'),
            '--cert',
            c('admin.crt'),
            '--key',
            c('admin.key'),
            `https://127.0.0.1:${APISERVER_PORT}/readyz`,
          ],
          { check: false },
        );
        return r.code === 0;
      },
      timeoutMs,
    );
  }

  private async httpOk(ns: string, url: string): Promise<boolean> {
    const r = await run(
      'ip',
      ['netns', 'exec', ns, 'curl', '-sf', '--max-time', '2', '-o', '/dev/null', url],
      { check: false },
    );
    return r.code === 0;
  }

  private async waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (await check()) return;
      await sleep(200);
    }
    throw new LabError(
      'NOT_READY',
      `${what} not ready after ${timeoutMs / 1000} s (logs in ${this.paths().logs})`,
    );
  }

  /** Starts a long-running process and records it, so `restart`, `kill` and `down` can find it. */
  async startComponent(spec: ProcessSpec): Promise<void> {
    const record = startProcess(spec, this.dieWithParent);
    this.state.processes[spec.name] = record;
    await writeState(this.state);
  }

  /** Names of the recorded processes, e.g. `etcd`, `kube-proxy-n1`, `pod-demo-n1-1`. */
  get components(): readonly string[] {
    return Object.keys(this.state.processes);
  }

  componentPid(name: string): number | undefined {
    const p = this.state.processes[name];
    return p && isAlive(p.pid) ? p.pid : undefined;
  }

  /**
   * Gracefully stops a component and starts it again with the same command line. Fails (after
   * starting it again) when a BareLB process needed SIGKILL: see BARELB_STOP_BOUND_MS.
   */
  async restart(component: string): Promise<StopResult> {
    const rec = this.state.processes[component];
    if (!rec)
      throw new LabError('UNKNOWN_TARGET', `no component ${component}; known: ${this.components.join(', ')}`);
    const graceMs = stopGraceMs(component);
    const stopped = await stopProcess(rec.pid, graceMs);
    const { pid: _pid, ...spec } = rec;
    await this.startComponent(spec);
    if (stopped.outcome === 'killed' && isBareLBProcess(component))
      throw forcedStopError([{ name: component, graceMs }]);
    return stopped;
  }

  /**
   * Stops a component (SIGTERM, or the signal given) without starting it again. A BareLB process
   * that needs SIGKILL after SIGTERM fails the call.
   */
  async stopComponent(component: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> {
    const rec = this.state.processes[component];
    if (!rec) throw new LabError('UNKNOWN_TARGET', `no component ${component}`);
    const graceMs = stopGraceMs(component);
    const stopped = await stopProcess(rec.pid, graceMs, signal);
    if (signal !== 'SIGKILL' && stopped.outcome === 'killed' && isBareLBProcess(component))
      throw forcedStopError([{ name: component, graceMs }]);
    return stopped;
  }

  /** Sends a signal to a component without waiting (SIGSTOP / SIGCONT to freeze and thaw it). */
  signalComponent(component: string, signal: NodeJS.Signals): void {
    const rec = this.state.processes[component];
    if (!rec) throw new LabError('UNKNOWN_TARGET', `no component ${component}`);
    process.kill(rec.pid, signal);
  }

  /** Hard failure of a node: its links go down and every process in it dies at once. */
  async kill(node: string): Promise<void> {
    await (await this.armKill(node))();
  }

  /**
   * `kill` made ready ahead: resolves with the function that kills, whose links go down within
   * moments of the call (no process to start then), so a bench can place the kill on its clock.
   */
  async armKill(node: string): Promise<() => Promise<void>> {
    const ns = this.names.nodeNs(node);
    if (!this.state.nodes.includes(node)) throw new LabError('UNKNOWN_TARGET', `no node ${node} in this lab`);
    const cut = await armCut(ns);
    return async () => {
      await cut();
      for (const pid of await pidsInNamespace(ns)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
  }

  /**
   * Brings a killed node back: links up, routes restored, and its node processes (kube-proxy, the
   * speaker) started again with their recorded command lines.
   */
  async revive(node: string): Promise<void> {
    const i = this.state.nodes.indexOf(node);
    if (i < 0) throw new LabError('UNKNOWN_TARGET', `no node ${node} in this lab`);
    const ns = this.names.nodeNs(node);
    await reviveNamespace(ns);
    await restoreNodeRoutes(ns, this.addresses, i);
    for (const name of [`kube-proxy-${node}`, `speaker-${node}`]) {
      const rec = this.state.processes[name];
      if (!rec) continue;
      if (!isAlive(rec.pid)) {
        const { pid: _pid, ...spec } = rec;
        await this.startComponent(spec);
      }
    }
  }

  /** The namespace a target names: `cp`, `client`, a node (`n1`), or a pod name. */
  namespaceOf(target: string): string {
    if (target === 'cp') return this.names.cpNs;
    if (target === 'client') return this.names.clientNs;
    if (this.state.nodes.includes(target)) return this.names.nodeNs(target);
    const pod = Object.values(this.state.pods).find(
      (p) => p.name === target || `${p.namespace}/${p.name}` === target,
    );
    if (pod) return pod.netns;
    throw new LabError(
      'UNKNOWN_TARGET',
      `unknown target ${target}: use cp, client, ${this.nodes.join(', ')} or a pod name`,
    );
  }

  /** Environment for commands run in the lab: its binaries first on PATH and its kubeconfig. */
  execEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PATH: `${this.state.binDir}:${process.env.PATH ?? ''}`,
      KUBECONFIG: this.state.internalKubeconfig,
    };
  }

  /** Runs a command in a lab namespace with the lab's binaries on PATH and KUBECONFIG set. */
  exec(target: string, argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const [cmd, ...args] = argv;
    if (!cmd) throw new LabError('UNKNOWN_TARGET', 'no command given');
    return run('ip', ['netns', 'exec', this.namespaceOf(target), cmd, ...args], {
      ...opts,
      env: opts.env ?? this.execEnv(),
    });
  }

  /**
   * Adds a pod: its namespace behind the node, a podserver in it, and a Running/Ready Pod object
   * bound to the node.
   */
  async addPod(opts: PodOptions): Promise<PodRecord> {
    const namespace = opts.namespace ?? 'default';
    const nodeIndex = this.state.nodes.indexOf(opts.node);
    if (nodeIndex < 0) throw new LabError('UNKNOWN_TARGET', `no node ${opts.node} in this lab`);
    const onNode = Object.values(this.state.pods)
      .filter((p) => p.node === opts.node)
      .map((p) => Number(p.ip.split('.')[3]) - 1);
    let k = 1;
    while (onNode.includes(k)) k++;
    const ip = podIp(this.addresses, nodeIndex + 1, k);
    const veth = `vp${this.state.nextVeth++}`;
    const netns = this.names.podNs(`${namespace}-${opts.name}`);
    const gateway = this.addresses.podGateways[nodeIndex] ?? '';
    await createPodNetwork(this.names.nodeNs(opts.node), netns, veth, ip, gateway, this.addresses.labRoute);
    const record: PodRecord = { name: opts.name, namespace, node: opts.node, ip, netns, veth };
    this.state.pods[`${namespace}/${opts.name}`] = record;
    await this.startComponent(podServerSpec(this.paths(), netns, opts.name, opts.node));
    await this.waitFor(`pod ${opts.name}`, () => this.httpOk(netns, 'http://127.0.0.1:8080/healthz'), 10_000);
    const core = this.kubeConfig().makeApiClient(CoreV1Api);
    await createRunningPod(core, {
      name: opts.name,
      namespace,
      node: opts.node,
      nodeIp: this.nodeIp(opts.node),
      ip,
      labels: opts.labels ?? {},
    });
    return record;
  }

  /** Removes a pod: the Pod object at once (no kubelet to wait for), its process and its namespace. */
  async removePod(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const rec = this.state.pods[key];
    if (!rec) throw new LabError('UNKNOWN_TARGET', `no pod ${key}`);
    const core = this.kubeConfig().makeApiClient(CoreV1Api);
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
    const proc = this.state.processes[`pod-${name}`];
    if (proc) await stopProcess(proc.pid, 2_000);
    delete this.state.processes[`pod-${name}`];
    await deleteNamespace(rec.netns);
    delete this.state.pods[key];
    await writeState(this.state);
  }

  /**
   * Stops everything this lab made, then fails if a BareLB process needed SIGKILL (the lab is gone
   * either way), so a test whose speaker hangs on SIGTERM fails in its afterAll.
   */
  async stop(): Promise<void> {
    const forced = (await Lab.down(this.state.stateDir)).filter((f) => isBareLBProcess(f.name));
    if (forced.length > 0) throw forcedStopError(forced);
  }

  /**
   * Removes a lab: every recorded process, anything else still running in its namespaces, the
   * namespaces (which takes their links and mounts with them) and the host link. Works for a lab
   * left behind by a crashed run, and is safe to call twice. Returns the processes that had to be
   * killed after SIGTERM.
   */
  static async down(stateDir = DEFAULT_STATE_DIR): Promise<ForcedStop[]> {
    const state = await readState(resolve(stateDir));
    if (!state) return [];
    const forced: ForcedStop[] = [];
    // BareLB first, while the apiserver still answers its graceful stop (a controller releases its Lease);
    // then reverse start order: workloads and node agents, the apiserver and etcd last. A restart moves a
    // process to the end of the start order, so order alone would stop a restarted apiserver first.
    const entries = Object.entries(state.processes).reverse();
    const ordered = [
      ...entries.filter(([n]) => isBareLBProcess(n)),
      ...entries.filter(([n]) => !isBareLBProcess(n)),
    ];
    for (const [name, rec] of ordered) {
      if (!(await runsCommand(rec.pid, rec.cmd))) continue;
      const graceMs = isBareLBProcess(name) ? BARELB_STOP_BOUND_MS : 3_000;
      if ((await stopProcess(rec.pid, graceMs)).outcome === 'killed') forced.push({ name, graceMs });
    }
    await removeLabNamespaces(state.index);
    await rm(join(resolve(stateDir), 'state.json'), { force: true });
    await rm(join(resolve(stateDir), 'etcd'), { recursive: true, force: true });
    return forced;
  }
}

/** Kills whatever runs in a lab's namespaces, then deletes them and its host link. */
export async function removeLabNamespaces(index: number): Promise<void> {
  const names = labNames(index);
  const mine = (await listNamespaces()).filter((ns) => ns.startsWith(`${names.prefix}-`));
  for (const ns of mine) {
    for (const pid of await pidsInNamespace(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  // Pods first: their veths hang off the nodes' bridges. The cp namespace last: it holds the bridge.
  const order = (ns: string) => (ns.includes('-pod-') ? 0 : ns === names.cpNs ? 2 : 1);
  for (const ns of mine.sort((a, b) => order(a) - order(b))) await deleteNamespace(ns);
  await deleteLink(names.hostLink);
}

/** Every lab index with namespaces on this machine (for `lab down --all`). */
export async function labIndexesPresent(): Promise<number[]> {
  const found = new Set<number>();
  for (const ns of await listNamespaces()) {
    const i = labIndexOfNamespace(ns);
    if (i !== undefined) found.add(i);
  }
  return [...found].sort((a, b) => a - b);
}

/** Claims a free lab index by creating its control-plane namespace: `ip netns add` fails if it exists. */
async function claimIndex(): Promise<number> {
  const present = new Set(await labIndexesPresent());
  for (let i = 0; i < MAX_LABS; i++) {
    if (present.has(i)) continue;
    const r = await run('ip', ['netns', 'add', labNames(i).cpNs], { check: false });
    if (r.code === 0) return i;
  }
  throw new LabError(
    'NO_FREE_LAB',
    `all ${MAX_LABS} lab slots are in use; \`barelb lab down --all\` removes them`,
  );
}

function firstServiceIp(cidr: string): string {
  const [base = ''] = cidr.split('/');
  const parts = base.split('.');
  return `${parts.slice(0, 3).join('.')}.${Number(parts[3]) + 1}`;
}

/** Removes every lab whose control-plane namespace has no process left: what a killed run leaves. */
export async function sweepDeadLabs(): Promise<number[]> {
  const swept: number[] = [];
  for (const index of await labIndexesPresent()) {
    const cp = labNames(index).cpNs;
    const namespaces = await listNamespaces();
    if (namespaces.includes(cp) && (await pidsInNamespace(cp)).length > 0) continue;
    await removeLabNamespaces(index);
    swept.push(index);
  }
  return swept;
}
