import type { KubeConfig } from '@kubernetes/client-node';
import { armKillNode, killNode, reviveNode } from './chaos/node-failure.js';
import type { LabAddresses } from './cluster/addressing.js';
import { Cluster, type ClusterOptions } from './cluster/cluster.js';
import type { CommandResult, RunOptions } from './cluster/command.js';
import { type Components, ProcessComponents } from './cluster/components.js';
import type { LabPaths } from './cluster/lab-paths.js';
import type { PodRecord } from './cluster/lab-state.js';
import type { LabNames } from './cluster/names.js';
import type { PodOptions } from './cluster/pod-host.js';
import { type ForcedStop, forcedStopError } from './cluster/process-table.js';
import type { ProcessSpec, StopResult } from './cluster/processes.js';
import { BareLbPodComponents } from './install/barelb-pod-components.js';
import { HelmInstall } from './install/helm-install.js';
import { HostProcessInstall } from './install/host-process-install.js';
import { installMethodFrom } from './install/install-method.js';
import type { Installer } from './install/installer.js';
import { KustomizeInstall } from './install/kustomize-install.js';
import { deployPinnedPods, removePinnedPod } from './workloads/pinned-pods.js';
import { deployDeployment, deployWorkload, podserverImage } from './workloads/workload.js';

export { labIndexesPresent, removeLabNamespaces, sweepDeadLabs } from './cluster/lab-slots.js';
export type { PodOptions } from './cluster/pod-host.js';
export type { ForcedStop } from './cluster/process-table.js';

export interface LabOptions extends ClusterOptions {
  /** The cluster alone, without BareLB's controller and speakers. */
  readonly bare?: boolean;
  /** Controller replicas when not bare. Default 1. Host-process mode only: real nodes run deploy/'s. */
  readonly controllers?: number;
  /** Run a speaker per node when not bare. Default true. Host-process mode only (a DaemonSet on real nodes). */
  readonly speakers?: boolean;
  /** Deploy the `demo` LoadBalancer Service when not bare. Default true. */
  readonly demo?: boolean;
}

/**
 * The lab as tests, benchmarks and `barelb lab` use it: a real local Kubernetes cluster with BareLB
 * installed, workloads on it, and failures to rehearse. It composes the layers of DESIGN.md §5 and adds
 * nothing of its own: cluster/ (control plane, nodes, network) → install/ (BareLB) → workloads/ (pods
 * and Services) → chaos/ (node failures).
 */
export class Lab {
  /** Host processes by name; on real nodes BareLB's own are its pods' containers. */
  private readonly components: Components;

  private constructor(private readonly cluster: Cluster) {
    const processes = new ProcessComponents(cluster.processes);
    this.components = cluster.realNodes ? new BareLbPodComponents(cluster, processes) : processes;
  }

  static async start(opts: LabOptions = {}): Promise<Lab> {
    const progress = opts.progress ?? (() => {});
    const real = opts.realNodes ?? true;
    // Real nodes get the images their pods run: the podserver always, BareLB's unless bare.
    const nodeImages = real ? ['podserver', ...(opts.bare ? [] : ['barelb'])] : [];
    const cluster = await Cluster.start({ ...opts, realNodes: real, nodeImages }, async (c) => {
      if (opts.bare) return;
      const install: Installer = real
        ? installMethodFrom(process.env) === 'helm'
          ? new HelmInstall()
          : new KustomizeInstall()
        : new HostProcessInstall({ controllers: opts.controllers ?? 1, speakers: opts.speakers ?? true });
      await install.install(c, progress);
      if (!(opts.demo ?? true)) return;
      progress('demo Service');
      if (real) {
        await deployDeployment(c, {
          name: 'demo',
          replicas: c.nodes.length,
          image: await podserverImage(),
          service: { type: 'LoadBalancer' },
        });
      } else {
        await deployWorkload(new Lab(c), {
          name: 'demo',
          podsOn: c.nodes,
          service: { type: 'LoadBalancer' },
        });
      }
    });
    return new Lab(cluster);
  }

  /** Opens a lab that another process started, from its state directory. */
  static async attach(stateDir?: string): Promise<Lab> {
    return new Lab(await Cluster.attach(stateDir));
  }

  /**
   * Removes a lab: every recorded process, anything else still running in its namespaces, the
   * namespaces (which takes their links and mounts with them) and the host link. Works for a lab
   * left behind by a crashed run, and is safe to call twice. Returns the processes that had to be
   * killed after SIGTERM.
   */
  static down(stateDir?: string): Promise<ForcedStop[]> {
    return Cluster.down(stateDir);
  }

  /**
   * Stops everything this lab made, then fails if a BareLB process needed SIGKILL (the lab is gone
   * either way), so a test whose speaker hangs on SIGTERM fails in its afterAll.
   */
  async stop(): Promise<void> {
    const forced = (await Lab.down(this.cluster.stateDir)).filter((f) => f.bounded);
    if (forced.length > 0) throw forcedStopError(forced);
  }

  get addresses(): LabAddresses {
    return this.cluster.addresses;
  }
  get names(): LabNames {
    return this.cluster.names;
  }
  get kubeconfig(): string {
    return this.cluster.kubeconfig;
  }
  get internalKubeconfig(): string {
    return this.cluster.internalKubeconfig;
  }
  get nodes(): readonly string[] {
    return this.cluster.nodes;
  }
  get stateDir(): string {
    return this.cluster.stateDir;
  }
  get binDir(): string {
    return this.cluster.binDir;
  }
  /** Nodes run a kubelet and containerd (issue 13); pods come from Deployments, not `addPod`. */
  get realNodes(): boolean {
    return this.cluster.realNodes;
  }
  get pods(): readonly PodRecord[] {
    return this.cluster.pods.pods;
  }
  /** Names of the running components, e.g. `etcd`, `kube-proxy-n1`, `speaker-n2`, `controller`. */
  componentNames(): Promise<readonly string[]> {
    return this.components.names();
  }

  /** A client for the lab's apiserver, as the admin. */
  kubeConfig(): KubeConfig {
    return this.cluster.kubeConfig();
  }
  nodeIp(node: string): string {
    return this.cluster.node(node).ip;
  }
  paths(): LabPaths {
    return this.cluster.paths();
  }
  waitApiserver(timeoutMs: number): Promise<void> {
    return this.cluster.waitApiserver(timeoutMs);
  }
  namespaceOf(target: string): string {
    return this.cluster.namespaceOf(target);
  }
  execEnv(): NodeJS.ProcessEnv {
    return this.cluster.execEnv();
  }
  /**
   * Adds a router's namespace on the lab's segment at LabAddresses.routerIp (target `router`), for
   * BGP peers (issue 17); `lab down` removes it with the rest.
   */
  addRouter(): Promise<void> {
    return this.cluster.addRouter();
  }
  /** Runs a command in a lab namespace (`cp`, `client`, a node or a pod) with the lab's binaries and kubeconfig. */
  exec(target: string, argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    return this.cluster.exec(target, argv, opts);
  }
  /**
   * Writes a kubeconfig for processes inside the lab that acts as `user` (impersonation), so a
   * component run as a host process has exactly the rights RBAC gives that user.
   */
  writeClientKubeconfig(file: string, user: string): Promise<void> {
    return this.cluster.writeClientKubeconfig(file, user);
  }
  /** Applies YAML through the lab's kubectl. */
  apply(yaml: string): Promise<void> {
    return this.cluster.apply(yaml);
  }

  /** Starts a host process (on real nodes, BareLB's components come from deploy/ instead). */
  startComponent(spec: ProcessSpec): Promise<void> {
    return this.components.start(spec);
  }
  componentPid(name: string): Promise<number | undefined> {
    return this.components.pid(name);
  }
  /**
   * Gracefully stops a component and starts it again (on real nodes: deletes BareLB's Pod and waits
   * for its replacement). Fails, after starting it again, when a BareLB process needed SIGKILL: see
   * BARELB_STOP_BOUND_MS.
   */
  restart(component: string): Promise<StopResult> {
    return this.components.restart(component);
  }
  /**
   * Stops a component (SIGTERM, or the signal given). A host process stays stopped; on real nodes the
   * kubelet starts BareLB's container again, as it would in any cluster.
   */
  stopComponent(component: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> {
    return this.components.stop(component, signal);
  }
  /** Sends a signal to a component without waiting for it to act (SIGSTOP / SIGCONT to freeze and thaw it). */
  signalComponent(component: string, signal: NodeJS.Signals): Promise<void> {
    return this.components.signal(component, signal);
  }

  /** Real nodes: gives every node's copy of image `from` the name `to` too, as a new release would arrive. */
  tagImage(from: string, to: string): Promise<void> {
    return this.cluster.tagImage(from, to);
  }

  /** Hard failure of a node: its links go down and every process in it dies at once. */
  kill(node: string): Promise<void> {
    return killNode(this.cluster, node);
  }
  /** `kill` made ready ahead (see armKillNode), for benches that time the kill. */
  armKill(node: string): Promise<() => Promise<void>> {
    return armKillNode(this.cluster, node);
  }
  /** Brings a killed node back: links up, routes restored, its node processes started again. */
  revive(node: string): Promise<void> {
    return reviveNode(this.cluster, node);
  }

  /**
   * Adds a podserver pod on a node: on real nodes a one-replica Deployment pinned there; otherwise its
   * namespace behind the node, a podserver in it, and a Running/Ready Pod bound to the node.
   */
  async addPod(opts: PodOptions): Promise<PodRecord> {
    if (!this.realNodes) return this.cluster.pods.addPod(opts);
    const placed = [{ name: opts.name, node: opts.node }];
    const [pod] = await deployPinnedPods(
      this.kubeConfig(),
      opts.namespace ?? 'default',
      opts.labels ?? {},
      placed,
      await podserverImage(),
    );
    if (!pod) throw new Error(`pod ${opts.name} was not created`);
    return pod;
  }
  /** Takes a pod added by `addPod` or `deployWorkload` away, by the name it was placed under. */
  removePod(namespace: string, name: string): Promise<void> {
    if (this.realNodes) return removePinnedPod(this.kubeConfig(), namespace, name);
    return this.cluster.pods.removePod(namespace, name);
  }
}
