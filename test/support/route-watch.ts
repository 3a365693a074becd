/**
 * The router's view, timed inside its namespace (bench:bgp): one bash loop there polls `ip route show
 * <ip>` every 10 ms and prints the route, stamped with bash's EPOCHREALTIME (no process per stamp),
 * whenever it changes. The host's wall clock is one clock for every namespace, so a kill stamped
 * with Date.now() in the bench and a change stamped there compare directly; the poll adds up to
 * ~10 ms plus one `ip` run.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Lab } from '../../src/lab/lab.js';

/** One change of the route: when (ms since the epoch) and the nodes it names as next hops. */
export interface RouteChange {
  readonly t: number;
  readonly hops: readonly string[];
}

/** A line of the watch loop -> the change it reports; undefined for anything else. */
export function parseRouteLine(line: string, nodeOf: ReadonlyMap<string, string>): RouteChange | undefined {
  const m = /^(\d+)[.,](\d+) ?(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const t = Number(m[1]) * 1_000 + Number(`0.${m[2]}`) * 1_000;
  const hops = [...(m[3] ?? '').matchAll(/\bvia (\S+)/g)]
    .map((v) => nodeOf.get(v[1] ?? ''))
    .filter((n): n is string => n !== undefined);
  return { t, hops: [...new Set(hops)].sort() };
}

/** The first change at or after `from` whose next hops leave `node` out; undefined if none yet. */
export function withdrawnAt(changes: readonly RouteChange[], node: string, from: number): number | undefined {
  return changes.find((c) => c.t >= from && !c.hops.includes(node))?.t;
}

export class RouteWatch {
  readonly changes: RouteChange[] = [];

  private constructor(private readonly child: ChildProcessByStdio<null, Readable, null>) {}

  /** Watches `ip`'s route in the lab's router namespace for at most `maxS` seconds. */
  static start(lab: Lab, ip: string, maxS: number): RouteWatch {
    const nodeOf = new Map(lab.nodes.map((n) => [lab.nodeIp(n), n]));
    const script = [
      'prev=; end=$((SECONDS+$2))',
      'while [ $SECONDS -lt $end ]; do',
      '  r=$(ip route show "$1" | tr "\\n" " ")',
      '  if [ "$r" != "$prev" ]; then echo "$EPOCHREALTIME $r"; prev=$r; fi',
      '  sleep 0.01',
      'done',
    ].join('\n');
    const child = spawn(
      'ip',
      ['netns', 'exec', lab.namespaceOf('router'), 'bash', '-c', script, 'watch', ip, String(maxS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const w = new RouteWatch(child);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const c = parseRouteLine(line, nodeOf);
      if (c) w.changes.push(c);
    });
    return w;
  }

  /** The next hops now, as last seen. */
  hops(): readonly string[] {
    return this.changes.at(-1)?.hops ?? [];
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}
