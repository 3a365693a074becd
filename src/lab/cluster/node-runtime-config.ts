import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The configuration files of one real lab node: its containerd (config.toml, registry hosts, CNI
 * conflist) and its kubelet (KubeletConfiguration and command line). Pure: the caller writes the files
 * and starts the processes (inside the node's network namespace, with `nsenter --net=`, not
 * `ip netns exec`, which remounts /sys and hides the cgroup mounts).
 *
 * Several nodes share one host, so everything a node owns is its own: containerd root, state and
 * sockets; kubelet root, pod logs and cgroup root; CNI configuration and IPAM state. The host has
 * cgroup v1 only, hence `failCgroupV1: false` and the cgroupfs driver (no systemd), and its root lacks
 * CAP_SYS_RESOURCE, hence containerd's `restrict_oom_score_adj` (see
 * shared/notes/real-nodes-facts.md). Nothing is ever pulled: images are imported before the kubelet
 * starts and every registry resolves to a closed port on the node's own loopback.
 */

export interface NodeRuntimeOptions {
  /** Node name, as it registers (`--hostname-override`). */
  readonly node: string;
  /** The node's address on the lab segment (`--node-ip`, kubelet serving address). */
  readonly nodeIp: string;
  /** Directory all of this node's files go under (created by the caller). */
  readonly baseDir: string;
  /** The node's cgroup root, the same in every v1 hierarchy, e.g. `/blb0-n1`. */
  readonly cgroupRoot: string;
  /** The node's pod network: CIDR and gateway (the CNI bridge's address). */
  readonly podCidr: string;
  readonly podGateway: string;
  /** Routes pods get via their gateway: the lab's block, never a default route. */
  readonly podRoutes: readonly string[];
  /** The sandbox image, imported beforehand (containerd pins it so it is never garbage-collected or pulled). */
  readonly sandboxImage: string;
  /** Directory with containerd-shim-runc-v2 (it must be on containerd's PATH). */
  readonly containerdBinDir: string;
  readonly runcPath: string;
  /** Directories holding the CNI plugins (bridge, host-local, loopback, portmap). */
  readonly cniBinDirs: readonly string[];
  /** The kubelet's kubeconfig and the CA that signs clients allowed to call its API. */
  readonly kubeconfig: string;
  readonly clientCaFile: string;
  readonly clusterDomain?: string;
  readonly clusterDns?: readonly string[];
  /** Verbosity of the kubelet's logs. */
  readonly kubeletVerbosity?: number;
  /**
   * containerd's snapshotter: `overlayfs` where the kernel allows overlay mounts (an image's layers are
   * unpacked once and shared), else `native` (a full copy per snapshot: slow imports and slow removal).
   */
  readonly snapshotter?: Snapshotter;
  /**
   * How often the kubelet renews its node Lease (25 % of this duration) and posts its status. The lab
   * shortens both, with kube-controller-manager's --node-monitor-grace-period, so a killed node goes
   * NotReady in seconds; the Kubernetes defaults are 40 s and 10 s.
   */
  readonly nodeLeaseDurationSeconds?: number;
  readonly nodeStatusUpdateFrequency?: string;
}

export type Snapshotter = 'native' | 'overlayfs';

/** Where one node's files live, all under its baseDir. */
export interface NodeRuntimePaths {
  readonly containerdConfig: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdSocket: string;
  readonly registryHostsDir: string;
  readonly cniConfDir: string;
  readonly cniConflist: string;
  readonly cniStateDir: string;
  readonly kubeletConfig: string;
  readonly kubeletRoot: string;
  readonly kubeletCertDir: string;
  readonly podLogsDir: string;
}

export function nodeRuntimePaths(baseDir: string): NodeRuntimePaths {
  const containerdState = join(baseDir, 'containerd', 'state');
  const cniConfDir = join(baseDir, 'cni', 'net.d');
  const kubeletRoot = join(baseDir, 'kubelet');
  return {
    containerdConfig: join(baseDir, 'containerd', 'config.toml'),
    containerdRoot: join(baseDir, 'containerd', 'root'),
    containerdState,
    containerdSocket: join(containerdState, 'containerd.sock'),
    registryHostsDir: join(baseDir, 'containerd', 'certs.d'),
    cniConfDir,
    cniConflist: join(cniConfDir, '10-lab.conflist'),
    cniStateDir: join(baseDir, 'cni', 'ipam'),
    kubeletConfig: join(baseDir, 'kubelet.yaml'),
    kubeletRoot,
    kubeletCertDir: join(kubeletRoot, 'pki'),
    podLogsDir: join(baseDir, 'pod-logs'),
  };
}

type TomlValue = string | number | boolean | readonly string[];
/** A TOML document: keys with values, and nested tables. */
export interface TomlTable {
  readonly [key: string]: TomlValue | TomlTable;
}

function isTable(v: TomlValue | TomlTable): v is TomlTable {
  return typeof v === 'object' && !Array.isArray(v);
}

function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

function tomlScalar(v: TomlValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `[${v.map((s) => JSON.stringify(s)).join(', ')}]`;
}

/** Renders a TOML document: a table's plain keys first, then its sub-tables as `[a."b.c".d]` headers. */
export function toToml(doc: TomlTable, path: readonly string[] = []): string {
  const entries = Object.entries(doc);
  const lines: string[] = [];
  const plain = entries.filter(([, v]) => !isTable(v));
  if (path.length > 0 && (plain.length > 0 || entries.length === 0)) {
    lines.push(`[${path.map(tomlKey).join('.')}]`);
  }
  for (const [k, v] of plain) lines.push(`${tomlKey(k)} = ${tomlScalar(v as TomlValue)}`);
  let out = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  for (const [k, v] of entries) {
    if (isTable(v)) out += `${out === '' ? '' : '\n'}${toToml(v, [...path, k])}`;
  }
  return out;
}

/** Registries whose pulls are sent to a closed port on the node's loopback. */
export const BLOCKED_REGISTRIES = ['_default', 'docker.io', 'registry.k8s.io', 'localhost'] as const;

/**
 * containerd's `hosts.toml` for one registry: the upstream server is replaced by a closed port on the
 * node's own loopback (port 9, discard, which nothing serves there), so a pull that slips past
 * `imagePullPolicy` fails at once and never leaves the machine.
 */
export function registryHostsToml(): string {
  return toToml({ server: 'http://127.0.0.1:9' });
}

/** containerd 2.x configuration (version 3) for one node. */
export function containerdConfig(opts: NodeRuntimeOptions): string {
  const p = nodeRuntimePaths(opts.baseDir);
  const doc: TomlTable = {
    version: 3,
    root: p.containerdRoot,
    state: p.containerdState,
    grpc: { address: p.containerdSocket },
    ttrpc: { address: `${p.containerdSocket}.ttrpc` },
    plugins: {
      'io.containerd.cri.v1.images': {
        snapshotter: opts.snapshotter ?? 'native',
        // Only local images: the sandbox image is pinned (kept from GC, never pulled when present).
        pinned_images: { sandbox: opts.sandboxImage },
        registry: { config_path: p.registryHostsDir },
      },
      'io.containerd.cri.v1.runtime': {
        // The host's root cannot lower oom_score_adj (no CAP_SYS_RESOURCE); without this every
        // sandbox fails in runc with "can't get final child's PID from pipe: EOF".
        restrict_oom_score_adj: true,
        // Pod network namespaces under this node's state directory, not in the host-wide /run/netns.
        netns_mounts_under_state_dir: true,
        containerd: {
          default_runtime_name: 'runc',
          runtimes: {
            runc: {
              runtime_type: 'io.containerd.runc.v2',
              options: { BinaryName: opts.runcPath, SystemdCgroup: false },
            },
          },
        },
        cni: { bin_dirs: [...opts.cniBinDirs], conf_dir: p.cniConfDir, max_conf_num: 1 },
      },
      'io.containerd.grpc.v1.cri': {
        // Exec/attach/port-forward streams, on the node namespace's own loopback.
        stream_server_address: '127.0.0.1',
        stream_server_port: '0',
      },
      'io.containerd.snapshotter.v1.native': { root_path: join(p.containerdRoot, 'snapshots-native') },
      'io.containerd.snapshotter.v1.overlayfs': { root_path: join(p.containerdRoot, 'snapshots-overlayfs') },
      // Host-wide defaults that several nodes would share: NRI's socket and /opt/containerd.
      'io.containerd.nri.v1.nri': { disable: true },
      'io.containerd.internal.v1.opt': { path: join(opts.baseDir, 'containerd', 'opt') },
    },
  };
  return toToml(doc);
}

/** The bridge CNI conflist of one node: its pod bridge, host-local IPAM with per-node state, routes to the lab only. */
export function cniConflist(opts: NodeRuntimeOptions): string {
  const p = nodeRuntimePaths(opts.baseDir);
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'lab',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cbr0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: p.cniStateDir,
            ranges: [[{ subnet: opts.podCidr, gateway: opts.podGateway }]],
            routes: opts.podRoutes.map((dst) => ({ dst })),
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

/** The KubeletConfiguration of one node (YAML). */
export function kubeletConfig(opts: NodeRuntimeOptions): string {
  const p = nodeRuntimePaths(opts.baseDir);
  const doc = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    // The host has cgroup v1 only; kubelet >= 1.35 refuses it unless told otherwise.
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: opts.cgroupRoot,
    cgroupsPerQOS: true,
    containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
    podLogsDir: p.podLogsDir,
    address: opts.nodeIp,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: opts.clientCaFile },
    },
    authorization: { mode: 'Webhook' },
    clusterDomain: opts.clusterDomain ?? 'cluster.local',
    clusterDNS: [...(opts.clusterDns ?? [])],
    // Pods get no resolv.conf from the host: the lab has no DNS that leads anywhere.
    resolvConf: '',
    failSwapOn: false,
    // The host is shared: no node reserves or enforces allocatable, and only a nearly full disk or
    // memory evicts (the defaults would evict on a busy build machine).
    enforceNodeAllocatable: [],
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    serializeImagePulls: false,
    maxPods: 110,
    // Nodes stop in seconds when the lab kills or removes them.
    shutdownGracePeriod: '0s',
    ...(opts.nodeLeaseDurationSeconds ? { nodeLeaseDurationSeconds: opts.nodeLeaseDurationSeconds } : {}),
    ...(opts.nodeStatusUpdateFrequency ? { nodeStatusUpdateFrequency: opts.nodeStatusUpdateFrequency } : {}),
  };
  return stringify(doc);
}

/** The kubelet's command line (flags its configuration file cannot carry). */
export function kubeletArgs(opts: NodeRuntimeOptions): string[] {
  const p = nodeRuntimePaths(opts.baseDir);
  return [
    `--config=${p.kubeletConfig}`,
    `--kubeconfig=${opts.kubeconfig}`,
    `--root-dir=${p.kubeletRoot}`,
    `--cert-dir=${p.kubeletCertDir}`,
    `--hostname-override=${opts.node}`,
    `--node-ip=${opts.nodeIp}`,
    `--v=${opts.kubeletVerbosity ?? 1}`,
  ];
}

/**
 * The directories of a node's cgroup root, one per cgroup v1 hierarchy (mount points as listed in
 * /proc/self/mounts), parents first. The kubelet needs its cgroupRoot to exist in every hierarchy; in
 * cpuset the caller also copies cpuset.cpus and cpuset.mems from the parent before anything joins it.
 */
export function cgroupRootDirs(cgroupRoot: string, hierarchies: readonly string[]): string[] {
  const parts = cgroupRoot.split('/').filter((s) => s !== '');
  if (parts.length === 0)
    throw new RangeError(`cgroup root ${JSON.stringify(cgroupRoot)} is the host's root`);
  const dirs: string[] = [];
  for (const h of hierarchies) {
    for (let i = 1; i <= parts.length; i++) dirs.push(join(h, ...parts.slice(0, i)));
  }
  return dirs;
}

/**
 * cgroup mount points from the text of /proc/self/mounts: the v1 hierarchies, plus the cgroup2 mount
 * when `withV2` (the kubelet also makes its cgroups there on a hybrid host, so removal must look there).
 */
export function cgroupV1Hierarchies(mounts: string, withV2 = false): string[] {
  const types = withV2 ? ['cgroup', 'cgroup2'] : ['cgroup'];
  return mounts
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => types.includes(f[2] ?? '') && f[1] !== undefined)
    .map((f) => f[1] as string);
}
