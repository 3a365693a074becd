import { readFileSync } from 'node:fs';

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number | undefined): number {
  return statusMiB(pid, 'VmRSS');
}

/**
 * The anonymous part of a process's RSS (RssAnon: heap, stacks, what the program allocated), in MiB.
 * The rest of RSS is files mapped in, for Node mostly its own ~120 MB binary (about 35 MiB resident
 * in every Node process, shared between processes and reclaimable); anonymous memory is what the
 * program's own work costs.
 */
export function anonMiB(pid: number | undefined): number {
  return statusMiB(pid, 'RssAnon');
}

function statusMiB(pid: number | undefined, field: string): number {
  if (!pid) return Number.NaN;
  return statusFieldKiB(readFileSync(`/proc/${pid}/status`, 'utf8'), field) / 1024;
}

/** A "<field>: <n> kB" line of /proc/<pid>/status, in KiB (NaN when absent). */
export function statusFieldKiB(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
}

/** User + system CPU time a process has used so far, in seconds, from /proc (Linux). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The q-quantile (0..1) of a list of numbers, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
