import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BLOCKED_REGISTRIES,
  cgroupRootDirs,
  cgroupV1Hierarchies,
  cniConflist,
  containerdConfig,
  kubeletArgs,
  kubeletConfig,
  type NodeRuntimeOptions,
  nodeRuntimePaths,
  registryHostsToml,
} from './node-runtime-config.js';

/** Unix socket paths are limited to 107 bytes; containerd's ttrpc socket adds `.ttrpc`. */
const MAX_SOCKET_PATH = 107 - '.ttrpc'.length;

/**
 * Writes one node's containerd and kubelet files under its baseDir and creates the directories they
 * name. Returns the kubelet's command line.
 */
export async function writeNodeRuntimeFiles(opts: NodeRuntimeOptions): Promise<string[]> {
  const p = nodeRuntimePaths(opts.baseDir);
  if (Buffer.byteLength(p.containerdSocket) > MAX_SOCKET_PATH) {
    throw new RangeError(`containerd socket path too long for a unix socket: ${p.containerdSocket}`);
  }
  for (const d of [
    p.containerdRoot,
    p.containerdState,
    p.cniConfDir,
    p.cniStateDir,
    p.kubeletRoot,
    p.podLogsDir,
  ]) {
    await mkdir(d, { recursive: true });
  }
  await writeFile(p.containerdConfig, containerdConfig(opts));
  for (const registry of BLOCKED_REGISTRIES) {
    await mkdir(join(p.registryHostsDir, registry), { recursive: true });
    await writeFile(join(p.registryHostsDir, registry, 'hosts.toml'), registryHostsToml());
  }
  await writeFile(p.cniConflist, cniConflist(opts));
  await writeFile(p.kubeletConfig, kubeletConfig(opts));
  return kubeletArgs(opts);
}

async function hierarchies(withV2 = false): Promise<string[]> {
  return cgroupV1Hierarchies(await readFile('/proc/self/mounts', 'utf8'), withV2);
}

/**
 * Creates a node's cgroup root in every cgroup v1 hierarchy (the kubelet refuses to start without it).
 * A new cpuset cgroup starts with no CPUs and no memory nodes, so it takes its parent's.
 */
export async function createCgroupRoot(cgroupRoot: string): Promise<void> {
  for (const dir of cgroupRootDirs(cgroupRoot, await hierarchies())) {
    await mkdir(dir, { recursive: true });
    if (dir.startsWith('/sys/fs/cgroup/cpuset/')) {
      for (const f of ['cpuset.cpus', 'cpuset.mems']) {
        const current = (await readFile(join(dir, f), 'utf8')).trim();
        if (current === '') await writeFile(join(dir, f), await readFile(join(dir, '..', f), 'utf8'));
      }
    }
  }
}

async function subdirs(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
}

/** Every process in a node's cgroup root (from the pids hierarchy, or the first one present). */
export async function cgroupRootProcesses(cgroupRoot: string): Promise<number[]> {
  const all = await hierarchies();
  const h = all.find((x) => x.endsWith('/pids')) ?? all[0];
  if (h === undefined) return [];
  const pids: number[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await subdirs(dir);
      const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8');
      pids.push(
        ...procs
          .split('\n')
          .filter((l) => l !== '')
          .map(Number),
      );
    } catch {
      return;
    }
    for (const e of entries) await walk(join(dir, e));
  };
  await walk(join(h, cgroupRoot));
  return pids;
}

/**
 * Removes a node's cgroup root from every hierarchy, children first, cgroup2 included (the kubelet makes
 * its kubepods tree there too on a hybrid host). Its processes must be gone.
 */
export async function removeCgroupRoot(cgroupRoot: string): Promise<void> {
  const removeTree = async (dir: string): Promise<void> => {
    const entries = await subdirs(dir).catch(() => undefined);
    if (entries === undefined) return;
    for (const e of entries) await removeTree(join(dir, e));
    await rmdir(dir).catch(() => undefined);
  };
  const top = cgroupRoot.split('/').filter((s) => s !== '')[0];
  if (top === undefined) throw new RangeError('refusing to remove the host cgroup root');
  for (const h of await hierarchies(true)) await removeTree(join(h, top));
}

/** The hierarchies (cgroup2 included) in which a node's cgroup root is still present. */
export async function cgroupRootLeftIn(cgroupRoot: string): Promise<string[]> {
  const top = cgroupRoot.split('/').filter((s) => s !== '')[0];
  if (top === undefined) return [];
  const left: string[] = [];
  for (const h of await hierarchies(true)) {
    const dir = join(h, top);
    if ((await readdir(dir).catch(() => undefined)) !== undefined) left.push(dir);
  }
  return left;
}
