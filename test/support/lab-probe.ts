import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../../src/lab/lab.js';
import { entryNode } from './l2.js';

/**
 * One GET from the client namespace (started at `t` on the probe process's monotonic clock, took
 * `ms`, answered by a pod on `node`), or one ARP reply (received at `t`, from `node`'s MAC).
 */
export interface ProbeSample {
  readonly t: number;
  readonly ip: string;
  readonly kind: 'http' | 'arp';
  readonly ok: boolean;
  readonly ms: number;
  readonly node?: string;
  /**
   * The node the request entered through: for a Cluster Service the one whose address the pod saw
   * (kube-proxy SNATs to it), for a Local one (source kept) the pod's node; for ARP, `node`.
   */
  readonly entry?: string;
  readonly err?: string;
}

export interface ProbeOptions {
  readonly intervalMs?: number;
  /**
   * A GET slower than this counts as failed. Under TCP's 1 s initial retransmission timeout, so a
   * SYN lost to a dead node's MAC always makes a failure, never a slow success.
   */
  readonly timeoutMs?: number;
  /** The probe stops on its own after this long, whatever the caller does. Default 30 min. */
  readonly maxMs?: number;
  /**
   * Where it runs: the client on the segment (default), or `far`, behind the BGP router, where only
   * the router's routes lead to a LoadBalancer IP (its ARP requests go unanswered there).
   */
  readonly from?: 'client' | 'far';
}

/**
 * probe-client.ts running in the lab's client namespace, fed back into the test: every sample and
 * every mark on the probe's own clock.
 */
export class LabProbe {
  readonly samples: ProbeSample[] = [];
  /** When each round of GETs and ARP requests went out, on the probe's clock. */
  readonly ticks: number[] = [];
  private readonly waiting = new Map<string, (t: number) => void>();
  private seq = 0;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    macs: ReadonlyMap<string, string>,
    entryOf: (client: string) => string | undefined,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const o = JSON.parse(line) as
        | (ProbeSample & { mac?: string; client?: string })
        | { t: number; mark: string }
        | { t: number; tick: number };
      if ('tick' in o) this.ticks.push(o.t);
      else if ('mark' in o) this.waiting.get(o.mark)?.(o.t);
      else if (o.mac !== undefined) {
        const node = macs.get(o.mac) ?? o.mac;
        this.samples.push({ ...o, node, entry: node });
      } else {
        const entry = (o.client !== undefined ? entryOf(o.client) : undefined) ?? o.node;
        this.samples.push(entry === undefined ? o : { ...o, entry });
      }
    });
  }

  /** `macs`: MAC to node name, to name who answered ARP. */
  static start(
    lab: Lab,
    ips: readonly string[],
    macs: ReadonlyMap<string, string>,
    o: ProbeOptions = {},
  ): LabProbe {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'probe-client.ts');
    const config = JSON.stringify({
      ips,
      intervalMs: o.intervalMs ?? 100,
      timeoutMs: o.timeoutMs ?? 800,
      clientIp: o.from === 'far' ? lab.addresses.farClientIp : lab.addresses.clientIp,
      ifname: 'eth0',
      maxMs: o.maxMs ?? 30 * 60_000,
    });
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        lab.namespaceOf(o.from ?? 'client'),
        process.execPath,
        '--import',
        'tsx',
        script,
        config,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    return new LabProbe(child, macs, (client) => entryNode(lab, client));
  }

  /** Places an event on the probe's clock; resolves with its time there. */
  mark(label: string): Promise<number> {
    const key = `${label}#${++this.seq}`;
    return new Promise((resolve) => {
      this.waiting.set(key, (t) => {
        this.waiting.delete(key);
        resolve(t);
      });
      this.child.stdin.write(`mark ${key}\n`);
    });
  }

  /** Samples of `ip` of one kind taken in [from, to). */
  between(ip: string, from: number, to: number, kind: ProbeSample['kind'] = 'http'): ProbeSample[] {
    return this.samples.filter((s) => s.ip === ip && s.kind === kind && s.t >= from && s.t < to);
  }

  /**
   * The longest ARP silence for `ip` in [from, to): consecutive rounds of requests that got no reply
   * (from a node `by` accepts) before the next round went out, from the first such round to the next
   * answered one. Only rounds the probe sent count, so a stall of the probe itself is no silence.
   */
  arpSilenceMs(
    ip: string,
    from: number,
    to: number,
    by: (node: string | undefined) => boolean = () => true,
  ): number {
    const replies = this.between(ip, from, to, 'arp')
      .filter((s) => by(s.node))
      .map((s) => s.t);
    return arpSilence(
      this.ticks.filter((t) => t >= from && t < to),
      replies,
      to,
    );
  }

  stop(): void {
    this.child.stdin.end('quit\n');
  }
}

/** What happened to one IP in a window of probes. */
export interface WindowStats {
  readonly probes: number;
  readonly failures: number;
  /**
   * The longest time between the answers to two successful probes, counting the window's start and
   * end as bounds: the outage a client retrying every probe interval saw. Answers, not starts: a probe
   * that started during the outage may have waited for ARP to resolve to the new owner.
   */
  readonly maxGapMs: number;
  /** Nodes that answered successful probes, in order of first answer. */
  readonly nodes: string[];
}

export function windowStats(samples: readonly ProbeSample[], from: number, to: number): WindowStats {
  const ok = samples
    .filter((s) => s.ok)
    .map((s) => s.t + s.ms)
    .sort((a, b) => a - b);
  let maxGapMs = 0;
  let prev = from;
  for (const t of [...ok, to]) {
    maxGapMs = Math.max(maxGapMs, t - prev);
    prev = t;
  }
  const nodes: string[] = [];
  for (const s of samples) if (s.ok && s.node && !nodes.includes(s.node)) nodes.push(s.node);
  return {
    probes: samples.length,
    failures: samples.filter((s) => !s.ok).length,
    maxGapMs: Math.round(maxGapMs),
    nodes,
  };
}

/** See LabProbe.arpSilenceMs: `ticks` and `replies` sorted, on one clock. Pure. */
export function arpSilence(ticks: readonly number[], replies: readonly number[], to: number): number {
  let longest = 0;
  let silentSince: number | undefined;
  let r = 0;
  for (const [i, t] of ticks.entries()) {
    const next = ticks[i + 1] ?? to;
    while (r < replies.length && (replies[r] ?? 0) < t) r++;
    const answered = r < replies.length && (replies[r] ?? 0) < next;
    if (answered) {
      if (silentSince !== undefined) longest = Math.max(longest, t - silentSince);
      silentSince = undefined;
    } else silentSince ??= t;
  }
  if (silentSince !== undefined) longest = Math.max(longest, to - silentSince);
  return Math.round(longest);
}
