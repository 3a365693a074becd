import { readdirSync, readFileSync } from 'node:fs';

/** What a BareLB container runs: `barelb speaker` or `barelb controller` from the image's /app. */
export type BareLbRole = 'speaker' | 'controller';

/** The image's entry point (Dockerfile): any process running it with a role is BareLB's. */
const IMAGE_MAIN = '/app/dist/bin/barelb.js';

/** A BareLB process that a kubelet runs in one of this lab's nodes. */
export interface PodProcess {
  readonly pid: number;
  readonly role: BareLbRole;
  /** The lab node whose kubelet runs it (from its cgroup). */
  readonly node: string;
  /** Its Pod's name (the downward-API POD_NAME deploy/ sets), or '' when it has none. */
  readonly pod: string;
}

/** The role of a process from its argv, or undefined when it is not BareLB's image entry point. */
export function bareLbRole(argv: readonly string[]): BareLbRole | undefined {
  const main = argv.indexOf(IMAGE_MAIN);
  if (main < 0) return undefined;
  const role = argv[main + 1];
  return role === 'speaker' || role === 'controller' ? role : undefined;
}

/**
 * Which lab node a process belongs to, from /proc/PID/cgroup: every container of a real node lives
 * under that node's cgroup root (the kubelet's --cgroup-root), whose name holds the lab's index, so
 * two labs on one machine never see each other's processes.
 */
export function nodeOfCgroup(cgroupText: string, roots: ReadonlyMap<string, string>): string | undefined {
  for (const line of cgroupText.split('\n')) {
    const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    for (const [root, node] of roots) if (path === root || path.startsWith(`${root}/`)) return node;
  }
  return undefined;
}

/** One variable of a NUL-separated /proc/PID/environ. */
export function environValue(environ: string, name: string): string | undefined {
  const prefix = `${name}=`;
  return environ
    .split('\0')
    .find((e) => e.startsWith(prefix))
    ?.slice(prefix.length);
}

/**
 * BareLB's processes in this lab's real nodes, read from /proc. Synchronous: a few hundred tiny procfs
 * reads, done only when a test or `barelb lab` asks for a component.
 */
export function bareLbPodProcesses(roots: ReadonlyMap<string, string>): PodProcess[] {
  const found: PodProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const role = bareLbRole(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
      if (!role) continue;
      const node = nodeOfCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), roots);
      if (!node) continue;
      const pod = environValue(readFileSync(`/proc/${pid}/environ`, 'utf8'), 'POD_NAME') ?? '';
      if (isZombie(pid)) continue;
      found.push({ pid, role, node, pod });
    } catch {
      // gone meanwhile
    }
  }
  return found.sort((a, b) => a.pid - b.pid);
}

function isZombie(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

/**
 * A process's PID inside its own PID namespace, from the NSpid line of /proc/PID/status (the last
 * field is the innermost namespace). 1 means it is its container's init, which drops signals it has
 * no handler for yet.
 */
export function innermostPid(statusText: string): number | undefined {
  const line = statusText.split('\n').find((l) => l.startsWith('NSpid:'));
  const last = line?.slice('NSpid:'.length).trim().split(/\s+/).at(-1);
  return last ? Number(last) : undefined;
}
