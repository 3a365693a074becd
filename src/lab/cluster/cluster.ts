import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../k8s/keep-alive-kube-config.js';
import { type LabAddresses, labAddresses } from './addressing.js';
import { ensureBinaries } from './binaries.js';
import { type CommandResult, type RunOptions, run } from './command.js';
import { internalServer, startControlPlane, waitApiserver, writeCredentials } from './control-plane.js';
import { HostProcessNodes } from './host-process-nodes.js';
import { HostProcessPods } from './host-process-pods.js';
import { writeKubeconfig } from './kubeconfig.js';
import { LabError } from './lab-error.js';
import { type LabPaths, labPaths } from './lab-paths.js';
import { claimIndex, removeLabNamespaces } from './lab-slots.js';
import { DEFAULT_STATE_DIR, type LabState, readState, writeState } from './lab-state.js';
import { type LabNames, labNames, nodeName } from './names.js';
import { armCut, listNamespaces, reviveNamespace } from './netns.js';
import { createNodePodNetwork, createRouterNamespace, createSegment, restoreNodeRoutes } from './network.js';
import type { LabNode, NodeAgents } from './node-agents.js';
import { KubeletPods, type PodHost } from './pod-host.js';
import { type ForcedStop, ProcessTable, stopAll } from './process-table.js';
import type { ProcessSpec } from './processes.js';
import { waitFor } from './readiness.js';
import { RealNodes, removeRealNodes } from './real-nodes.js';

export interface ClusterOptions {
  /** Number of nodes (n1..nN). Default 3. */
  readonly nodes?: number;
  /** Where the lab keeps certificates, logs and its state file. Default `.barelb/lab`. */
  readonly stateDir?: string;
  /** Ready binaries instead of the cached build (else `BARELB_K8S_BIN_DIR`, else build). */
  readonly binDir?: string;
  /**
   * The Kubernetes minor of the control plane and kubelets, such as `1.33` (else `BARELB_K8S_VERSION`,
   * else the default module's): the older minors the project is tested on (docs/compatibility.md).
   */
  readonly kubernetesVersion?: string;
  /**
   * Kill the lab's processes when this process dies (tests). `barelb lab up` leaves them running
   * detached instead, for `lab down` to stop.
   */
  readonly dieWithParent?: boolean;
  /** Progress lines for people watching. */
  readonly progress?: (line: string) => void;
  /**
   * Real nodes (issue 13): a kubelet and containerd per node, kube-scheduler and the node controllers.
   * Without it (the host-process mode), nodes are Node objects the lab keeps Ready and pods are
   * namespaces it fills in. `Lab.start` defaults to real nodes.
   */
  readonly realNodes?: boolean;
  /** With real nodes: images (names in images.tsv) imported into every node besides the sandbox image. */
  readonly nodeImages?: readonly string[];
}

/**
 * The bottom layer of the lab (DESIGN.md §5): etcd, kube-apiserver and kube-controller-manager in a
 * control-plane network namespace, nodes as namespaces on one L2 segment, pods behind their node, and
 * a client namespace. It knows nothing of what is installed on it: the layers above hand it manifests,
 * kustomizations and process specs, and drive its nodes' failures.
 */
export class Cluster {
  readonly addresses: LabAddresses;
  readonly names: LabNames;
  readonly processes: ProcessTable;
  /** How nodes run; the real-node mode (issue 13) plugs in here, chosen by an option and the state file. */
  readonly nodeAgents: NodeAgents;
  readonly pods: PodHost;

  private constructor(
    private readonly state: LabState,
    dieWithParent: boolean,
  ) {
    // Nodes start side by side and each records its processes: one write at a time.
    let saving: Promise<void> = Promise.resolve();
    const save = () => {
      saving = saving.catch(() => undefined).then(() => writeState(state));
      return saving;
    };
    this.addresses = labAddresses(state.index, state.nodes.length);
    this.names = labNames(state.index);
    this.processes = new ProcessTable(state, save, dieWithParent);
    const kubeConfig = () => this.kubeConfig();
    const common = { processes: this.processes, addresses: this.addresses, paths: this.paths(), kubeConfig };
    if (state.realNodes) {
      this.nodeAgents = new RealNodes({
        ...common,
        names: this.names,
        images: state.nodeImages ?? [],
        progress: (line) => this.progress(line),
      });
      this.pods = new KubeletPods();
    } else {
      this.nodeAgents = new HostProcessNodes(common);
      this.pods = new HostProcessPods({
        ...common,
        state,
        save,
        names: this.names,
        node: (name) => this.node(name),
      });
    }
  }

  private progress: (line: string) => void = () => {};

  /** True when nodes run a kubelet and containerd (issue 13). */
  get realNodes(): boolean {
    return this.state.realNodes ?? false;
  }

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

  /** A client for the lab's apiserver, as the admin. */
  kubeConfig(): KubeConfig {
    return loadKubeConfig(this.kubeconfig);
  }

  node(name: string): LabNode {
    const index = this.state.nodes.indexOf(name);
    const ip = this.addresses.nodeIps[index];
    if (index < 0 || ip === undefined) throw new LabError('UNKNOWN_TARGET', `no node ${name} in this lab`);
    return { name, index, ip, podCidr: this.addresses.podCidrs[index] ?? '', ns: this.names.nodeNs(name) };
  }

  paths(): LabPaths {
    return labPaths(this.state.stateDir, this.state.binDir);
  }

  /**
   * Starts a lab. `onTop` (what the layers above add: an install, workloads) runs as part of the start,
   * so a failure there removes the half-started lab as a failure of the cluster's own would.
   */
  static async start(
    opts: ClusterOptions = {},
    onTop?: (cluster: Cluster) => Promise<void>,
  ): Promise<Cluster> {
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
      await Cluster.down(stateDir);
    }
    const binDir = await ensureBinaries(opts.binDir, opts.kubernetesVersion);
    const nodeCount = opts.nodes ?? 3;
    const index = await claimIndex();
    const state: LabState = {
      version: 1,
      index,
      nodes: Array.from({ length: nodeCount }, (_, i) => nodeName(i + 1)),
      binDir,
      stateDir,
      kubeconfig: join(stateDir, 'kubeconfig'),
      internalKubeconfig: join(stateDir, 'kubeconfig-internal'),
      ...(opts.realNodes ? { realNodes: true, nodeImages: [...(opts.nodeImages ?? [])] } : {}),
      processes: {},
      pods: {},
      nextVeth: 1,
    };
    const cluster = new Cluster(state, opts.dieWithParent ?? false);
    cluster.progress = progress;
    const started = performance.now();
    try {
      await rm(join(stateDir, 'etcd'), { recursive: true, force: true });
      await mkdir(join(stateDir, 'certs'), { recursive: true });
      await mkdir(join(stateDir, 'logs'), { recursive: true });
      await writeState(state);
      await cluster.bringUp(progress);
      if (onTop) await onTop(cluster);
      progress(`lab ${cluster.names.prefix} up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return cluster;
    } catch (err) {
      progress(`lab start failed, cleaning up: ${(err as Error).message}`);
      await Cluster.down(stateDir);
      throw err;
    }
  }

  /** Opens a lab that another process started, from its state directory. */
  static async attach(stateDir = DEFAULT_STATE_DIR): Promise<Cluster> {
    const state = await readState(resolve(stateDir));
    if (!state)
      throw new LabError(
        'NOT_RUNNING',
        `no lab state in ${resolve(stateDir)}; start one with \`barelb lab up\``,
      );
    return new Cluster(state, false);
  }

  private async bringUp(progress: (line: string) => void): Promise<void> {
    const { names, addresses } = this;
    const deps = {
      names,
      addresses,
      paths: this.paths(),
      processes: this.processes,
      kubeconfig: this.kubeconfig,
      internalKubeconfig: this.internalKubeconfig,
      progress,
      realNodes: this.realNodes,
      nodes: this.nodes,
    };
    await writeCredentials(deps);
    progress('network namespaces');
    for (const ns of [names.clientNs, ...this.nodes.map((n) => names.nodeNs(n))])
      await run('ip', ['netns', 'add', ns]);
    await createSegment(names, addresses, this.nodes);
    for (const [i, node] of this.nodes.entries())
      await createNodePodNetwork(names.nodeNs(node), addresses, i, !this.realNodes);
    await startControlPlane(deps);

    progress(this.realNodes ? 'nodes: containerd, images, kubelet, kube-proxy' : 'nodes and kube-proxy');
    const nodes = this.nodes.map((n) => this.node(n));
    // Side by side: a real node's image import is the slow step of a lab's start.
    const started = performance.now();
    await Promise.all(nodes.map((node) => this.nodeAgents.start(node)));
    for (const node of nodes) await this.nodeAgents.waitReady(node);
    if (this.realNodes)
      progress(`nodes Ready ${((performance.now() - started) / 1000).toFixed(1)} s after their start`);
    const core = this.kubeConfig().makeApiClient(CoreV1Api);
    await waitFor('default ServiceAccount', () => hasDefaultServiceAccount(core), 60_000, this.paths().logs);
  }

  /**
   * Adds the router namespace on the segment (target `router`) and a client behind it (target `far`),
   * once; the nodes already route the far network through the router's address (restoreNodeRoutes).
   */
  async addRouter(): Promise<void> {
    if ((await run('ip', ['netns', 'list'])).stdout.includes(this.names.routerNs)) return;
    await createRouterNamespace(this.names, this.addresses);
  }

  /** Waits for the apiserver's /readyz, with the admin certificate, from inside the lab. */
  waitApiserver(timeoutMs: number): Promise<void> {
    return waitApiserver(this.names, this.paths(), timeoutMs);
  }

  /** The namespace a target names: `cp`, `client`, a node (`n1`), or a pod name. */
  namespaceOf(target: string): string {
    if (target === 'cp') return this.names.cpNs;
    if (target === 'client') return this.names.clientNs;
    if (target === 'router') return this.names.routerNs;
    if (target === 'far') return this.names.farNs;
    if (this.state.nodes.includes(target)) return this.names.nodeNs(target);
    const pod = this.pods.pods.find((p) => p.name === target || `${p.namespace}/${p.name}` === target);
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

  /** The lab's kubectl, as the admin, from the control plane. */
  kubectl(args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    return this.exec('cp', ['kubectl', ...args], opts);
  }

  /** Applies YAML. */
  async apply(yaml: string): Promise<void> {
    await this.kubectl(['apply', '-f', '-'], { input: yaml, timeoutMs: 60_000 });
  }

  /** Applies a kustomization directory (`kubectl apply -k`), server-side when asked. */
  async applyKustomization(dir: string, opts: { serverSide?: boolean } = {}): Promise<void> {
    await this.kubectl(['apply', ...(opts.serverSide ? ['--server-side'] : []), '-k', dir], {
      timeoutMs: 60_000,
    });
  }

  /**
   * Writes a kubeconfig for a client inside the lab that acts as `user` (impersonation, with the admin
   * certificate): a component run as a process gets exactly the rights of its ServiceAccount.
   */
  async writeClientKubeconfig(file: string, user: string): Promise<void> {
    await writeKubeconfig(file, internalServer(this.addresses), this.paths().certs, 'admin', user);
  }

  /** Real nodes: every node's runtime gets image `from` under the name `to` as well (see RealNodes.tagImage). */
  async tagImage(from: string, to: string): Promise<void> {
    const agents = this.nodeAgents;
    if (!(agents instanceof RealNodes))
      throw new LabError(
        'UNSUPPORTED',
        'images exist on real nodes only (host-process nodes run no runtime)',
      );
    for (const n of this.nodes) await agents.tagImage(this.node(n), from, to);
  }

  /** Runs a long-running process in a lab namespace and records it, so `restart`, `kill` and `down` find it. */
  startComponent(spec: ProcessSpec): Promise<void> {
    return this.processes.start(spec);
  }

  /** Takes every link of the node down, as if its cable were pulled. */
  /** Readies cutting a node's links: the returned function cuts within moments (see armCut). */
  armCutNode(name: string): Promise<() => Promise<void>> {
    return armCut(this.node(name).ns);
  }

  /** Undoes a cut (`armCutNode`): links up and the routes to the other nodes' pods back. */
  async reconnectNode(name: string): Promise<void> {
    const node = this.node(name);
    await reviveNamespace(node.ns);
    await restoreNodeRoutes(node.ns, this.addresses, node.index);
  }

  /** Removes a lab (see `Lab.down`): every recorded process, then its namespaces and host link. */
  static async down(stateDir = DEFAULT_STATE_DIR): Promise<ForcedStop[]> {
    const state = await readState(resolve(stateDir));
    if (!state) return [];
    const forced = await stopAll(state.processes);
    const left = state.realNodes
      ? await removeRealNodes(state.stateDir, labNames(state.index), state.nodes)
      : [];
    await removeLabNamespaces(state.index);
    // Something real nodes made is still there: keep the state file, so `lab down` can try again.
    if (left.length > 0)
      throw new LabError('COMMAND_FAILED', `lab down left behind: ${left.join(', ')}; run it again`);
    await rm(join(resolve(stateDir), 'state.json'), { force: true });
    await rm(join(resolve(stateDir), 'etcd'), { recursive: true, force: true });
    return forced;
  }
}

async function hasDefaultServiceAccount(core: CoreV1Api): Promise<boolean> {
  try {
    await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
    return true;
  } catch {
    return false;
  }
}
