import { access, cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { LabAddresses } from './addressing.js';
import { run } from './command.js';
import { nodeKubeconfig } from './control-plane.js';
import { nodeTimingFrom } from './control-plane-specs.js';
import { kubeletVerdict } from './kubelet-restart.js';
import { LabError } from './lab-error.js';
import { type LabImage, labImages, pickImage } from './lab-images.js';
import { bin, type LabPaths } from './lab-paths.js';
import { unmountUnder } from './mounts.js';
import type { LabNames } from './names.js';
import type { LabNode, NodeAgents } from './node-agents.js';
import type { Snapshotter } from './node-runtime-config.js';
import { nodeRuntimePaths } from './node-runtime-config.js';
import {
  cgroupRootLeftIn,
  cgroupRootProcesses,
  createCgroupRoot,
  removeCgroupRoot,
  writeNodeRuntimeFiles,
} from './node-runtime-files.js';
import { kubeProxySpec, waitKubeProxy } from './node-specs.js';
import type { ProcessTable } from './process-table.js';
import { isAlive, pidsInNamespace } from './processes.js';
import { waitFor } from './readiness.js';
import {
  containerdSpec,
  kubeletSpec,
  realNodeCgroupRoot,
  realNodeDir,
  realNodeRuntimeOptions,
  realNodesDir,
} from './real-node-specs.js';

/** Binaries a real node needs beyond the control plane's. */
export const REAL_NODE_BINARIES = [
  'kubelet',
  'kube-scheduler',
  'containerd',
  'containerd-shim-runc-v2',
  'ctr',
];
const RUNC = '/usr/sbin/runc';
const CNI_BIN_DIR = '/usr/lib/cni';

export interface RealNodesDeps {
  readonly processes: ProcessTable;
  readonly addresses: LabAddresses;
  readonly names: LabNames;
  readonly paths: LabPaths;
  readonly kubeConfig: () => KubeConfig;
  /** Names in images.tsv to import into every node, besides the sandbox image (`pause`). */
  readonly images: readonly string[];
  readonly progress: (line: string) => void;
}

/**
 * Real nodes (issue 13): per node a cgroup root, containerd and a kubelet in the node's namespace,
 * the lab's images imported before the kubelet starts, and kube-proxy as a host process as before.
 * A halt kills all of it at once (kubelet, containerd, shims, containers); a boot starts containerd and
 * the kubelet again, which bring the node's pods back as after a power cut.
 */
export class RealNodes implements NodeAgents {
  private snapshotter: Promise<Snapshotter> | undefined;

  constructor(private readonly deps: RealNodesDeps) {}

  async start(node: LabNode): Promise<void> {
    const { paths, names, addresses, processes, progress } = this.deps;
    await checkRealNodeTools(paths.binDir);
    const images = await labImages();
    const pause = pickImage(images, 'pause');
    const wanted = [pause, ...this.deps.images.map((n) => pickImage(images, n))];
    const snapshotter = await this.pickSnapshotter();
    const opts = realNodeRuntimeOptions(node, addresses.podGateways[node.index] ?? '', {
      names,
      paths,
      kubeconfig: nodeKubeconfig(paths, node.name),
      sandboxImage: pause.reference,
      snapshotter,
      labRoute: addresses.labRoute,
      runcPath: RUNC,
      cniBinDirs: [CNI_BIN_DIR],
      timing: nodeTimingFrom(process.env),
    });
    await createCgroupRoot(opts.cgroupRoot);
    await writeNodeRuntimeFiles(opts);
    await processes.start(containerdSpec(node, paths));
    await this.waitContainerd(node);
    for (const image of wanted) {
      const started = performance.now();
      await importImage(paths, node, image, snapshotter);
      progress(
        `${node.name}: imported ${image.reference} (${snapshotter}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    await processes.start(kubeletSpec(node, paths, opts));
    await processes.start(kubeProxySpec(node, addresses, paths));
  }

  async waitReady(node: LabNode): Promise<void> {
    const { processes, progress, paths } = this.deps;
    const core = this.deps.kubeConfig().makeApiClient(CoreV1Api);
    let restarts = 0;
    // Counted from here, not from the start itself: a little later, so the first restart waits a
    // little longer, never less.
    let startedAt = performance.now();
    const ready = async () => {
      const kubelet = processes.inNamespace(node.ns).find((r) => r.name === `kubelet-${node.name}`);
      if (kubelet) {
        const alive = isAlive(kubelet.pid);
        const verdict = kubeletVerdict({ alive, restarts, sinceStartMs: performance.now() - startedAt });
        if (verdict === 'give-up') {
          throw new LabError(
            'NOT_READY',
            `node ${node.name}: the kubelet exited ${restarts + 1} times while starting (see ${kubelet.logFile})`,
          );
        }
        if (verdict === 'restart') {
          restarts++;
          progress(`${node.name}: the kubelet exited while starting (see its log); starting it again`);
          await processes.startAgainIfDead(kubelet);
          startedAt = performance.now();
          return false;
        }
      }
      return nodeReady(core, node.name);
    };
    await waitFor(`node ${node.name} Ready`, ready, 180_000, paths.logs);
    await waitKubeProxy(node, paths.logs);
  }

  halt(node: LabNode): Promise<void> {
    return killNodeProcesses(node.ns, realNodeCgroupRoot(this.deps.names, node.name));
  }

  /** containerd first (the kubelet needs its socket), then the kubelet and kube-proxy. */
  async boot(node: LabNode): Promise<void> {
    const { processes } = this.deps;
    const recs = processes.inNamespace(node.ns);
    const containerd = recs.find((r) => r.name === `containerd-${node.name}`);
    if (containerd) {
      await processes.startAgainIfDead(containerd);
      await this.waitContainerd(node);
    }
    for (const rec of recs) if (rec !== containerd) await processes.startAgainIfDead(rec);
  }

  /**
   * Gives an image the node has another name, as pulling a new release would (the content is the same:
   * what a rollout test needs is a new image reference in the Pod template).
   */
  async tagImage(node: LabNode, from: string, to: string): Promise<void> {
    const sock = nodeRuntimePaths(realNodeDir(this.deps.paths, node.name)).containerdSocket;
    await run(
      bin(this.deps.paths, 'ctr'),
      ['--address', sock, '-n', 'k8s.io', 'images', 'tag', '--force', from, to],
      {
        timeoutMs: 60_000,
      },
    );
  }

  private waitContainerd(node: LabNode): Promise<void> {
    const sock = nodeRuntimePaths(realNodeDir(this.deps.paths, node.name)).containerdSocket;
    return waitFor(
      `containerd on ${node.name}`,
      async () =>
        (
          await run(bin(this.deps.paths, 'ctr'), ['--address', sock, 'version'], {
            check: false,
            timeoutMs: 10_000,
          })
        ).code === 0,
      30_000,
      this.deps.paths.logs,
    );
  }

  /** overlayfs when the kernel mounts it here (BARELB_LAB_SNAPSHOTTER forces one), else native. */
  private pickSnapshotter(): Promise<Snapshotter> {
    this.snapshotter ??= chooseSnapshotter(this.deps.paths.stateDir);
    return this.snapshotter;
  }
}

async function chooseSnapshotter(stateDir: string): Promise<Snapshotter> {
  const forced = process.env.BARELB_LAB_SNAPSHOTTER;
  if (forced === 'native' || forced === 'overlayfs') return forced;
  const probe = join(stateDir, 'overlay-probe');
  const d = (s: string) => join(probe, s);
  try {
    for (const s of ['l', 'u', 'w', 'm']) await mkdir(d(s), { recursive: true });
    const r = await run(
      'mount',
      ['-t', 'overlay', 'overlay', '-o', `lowerdir=${d('l')},upperdir=${d('u')},workdir=${d('w')}`, d('m')],
      { check: false, timeoutMs: 10_000 },
    );
    if (r.code !== 0) return 'native';
    await run('umount', [d('m')], { check: false, timeoutMs: 10_000 });
    return 'overlayfs';
  } finally {
    await rm(probe, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function checkRealNodeTools(binDir: string): Promise<void> {
  for (const f of [...REAL_NODE_BINARIES.map((b) => join(binDir, b)), RUNC, join(CNI_BIN_DIR, 'bridge')]) {
    try {
      await access(f);
    } catch (err) {
      throw new LabError(
        'BINARIES_UNAVAILABLE',
        `${f} is missing: real nodes need scripts/build-lab-binaries.sh and scripts/setup.sh`,
        { cause: err },
      );
    }
  }
}

/** Imports an OCI archive into the node's containerd, in the CRI's namespace. */
async function importImage(
  paths: LabPaths,
  node: LabNode,
  image: LabImage,
  snapshotter: Snapshotter,
): Promise<void> {
  const sock = nodeRuntimePaths(realNodeDir(paths, node.name)).containerdSocket;
  await run(
    bin(paths, 'ctr'),
    [
      '--address',
      sock,
      '-n',
      'k8s.io',
      'images',
      'import',
      // Without --local: "no unpack platforms defined".
      '--local',
      '--platform',
      'linux/amd64',
      '--snapshotter',
      snapshotter,
      image.archive,
    ],
    { timeoutMs: 900_000 },
  );
}

async function nodeReady(core: CoreV1Api, name: string): Promise<boolean> {
  try {
    const node = await core.readNode({ name });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  } catch {
    return false;
  }
}

/**
 * SIGKILL to everything a real node runs, as a power cut: every process in its network namespace
 * (kubelet, containerd, shims, kube-proxy, hostNetwork containers) and in its cgroup root (containers
 * in pod namespaces). Repeated until nothing is left, since a dying shim may still reap or fork.
 */
export async function killNodeProcesses(ns: string, cgroupRoot: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const pids = new Set([...(await pidsInNamespace(ns)), ...(await cgroupRootProcesses(cgroupRoot))]);
    if (pids.size === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }
}

/**
 * Removes what real nodes leave once their processes are stopped: anything still running on them,
 * mounts under their directories (container root filesystems, pod network namespaces, volumes), their
 * cgroup roots, and their files. Files are removed only when no mount is left under them, so a volume
 * bound from elsewhere is never deleted through its mount. Returns what could not be removed.
 */
export async function removeRealNodes(
  stateDir: string,
  names: LabNames,
  nodes: readonly string[],
): Promise<string[]> {
  const left: string[] = [];
  for (const node of nodes) await killNodeProcesses(names.nodeNs(node), realNodeCgroupRoot(names, node));
  const dir = realNodesDir(stateDir);
  const mounted = await unmountUnder(dir);
  left.push(...mounted.map((m) => `mount ${m}`));
  for (const node of nodes) {
    const root = realNodeCgroupRoot(names, node);
    // A killed process leaves its cgroup a moment after SIGKILL: rmdir says EBUSY until then.
    for (let i = 0; i < 50; i++) {
      await removeCgroupRoot(root);
      if (!((await cgroupRootLeftIn(root)).length > 0)) break;
      await killNodeProcesses(names.nodeNs(node), root);
      await sleep(100);
    }
    if ((await cgroupRootLeftIn(root)).length > 0) left.push(`cgroup ${root}`);
  }
  await keepPodLogs(stateDir, nodes);
  if (mounted.length === 0) await rm(dir, { recursive: true, force: true });
  return left;
}

/**
 * Copies each node's pod logs (BareLB's speaker and controller among them) to logs/pods/<node> before
 * the node's files go: a test that failed is read from them, as the host processes' logs are. Best
 * effort: a node that never started has none.
 */
async function keepPodLogs(stateDir: string, nodes: readonly string[]): Promise<void> {
  for (const node of nodes) {
    const from = nodeRuntimePaths(join(realNodesDir(stateDir), node)).podLogsDir;
    await cp(from, join(stateDir, 'logs', 'pods', node), { recursive: true, force: true }).catch(
      () => undefined,
    );
  }
}
