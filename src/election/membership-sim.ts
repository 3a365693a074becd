import { decodeMessage, encodeMessage, type NodeFacts } from './heartbeat-codec.js';
import { DEFAULT_MEMBERSHIP_TIMING, Membership, type MembershipTiming, type Outgoing } from './membership.js';
import { mulberry32 } from './seeded-random.js';

/**
 * N speakers' membership in one process over a simulated network (loss, delay), on a simulated
 * monotonic clock: for the table tests of whole-cluster behaviour and for `bench:membership`. Every
 * datagram is really encoded, signed and decoded, so byte counts are the real ones. Deterministic for a
 * given seed.
 *
 * A paused node (CPU starvation, GC, a frozen VM) runs nothing until the pause ends; then, like Node's
 * event loop, its overdue timer fires before the datagrams that queued up meanwhile are read.
 */
export interface SimOptions {
  readonly nodes: readonly string[];
  readonly timing?: MembershipTiming;
  readonly lossRate?: number;
  readonly delayMs?: readonly [number, number];
  readonly seed?: number;
  readonly facts?: (node: string) => NodeFacts;
}

interface SimNode {
  m: Membership;
  up: boolean;
  pausedUntil: number;
  dueAt: number;
  tickToken: number;
  held: { from: string; bytes: Buffer }[];
  sentPackets: number;
  sentBytes: number;
  recvPackets: number;
  recvBytes: number;
}

type SimEvent =
  | { at: number; order: number; kind: 'tick'; node: string; token: number }
  | { at: number; order: number; kind: 'deliver'; node: string; from: string; bytes: Buffer };

const KEY = Buffer.alloc(32, 9);
const healthyFacts: NodeFacts = {
  kubeProxyHealthy: true,
  localEndpoints: [],
  nodePortDown: [],
  leaving: false,
};

export class MembershipSim {
  now = 0;
  readonly nodes = new Map<string, SimNode>();
  private readonly heap: SimEvent[] = [];
  private order = 0;
  private rand: () => number;
  private readonly linkFree = new Map<string, number>();
  private readonly cutOff = new Set<string>();
  /** Called after each event a live node handled, with that node's name. */
  onEvent: ((node: string) => void) | undefined;

  constructor(private readonly o: SimOptions) {
    this.rand = mulberry32(o.seed ?? 1);
    for (const name of o.nodes) this.start(name, 1_000_000);
  }

  get timing(): MembershipTiming {
    return this.o.timing ?? DEFAULT_MEMBERSHIP_TIMING;
  }

  /** Starts (or restarts) a node's speaker with the given wall clock, which sets its incarnation. */
  start(name: string, wallNow: number): Membership {
    const m = new Membership(name, this.timing, wallNow);
    m.setMembers(this.o.nodes);
    const prev = this.nodes.get(name);
    const n: SimNode = {
      m,
      up: true,
      pausedUntil: 0,
      dueAt: this.now,
      tickToken: (prev?.tickToken ?? 0) + 1,
      held: [],
      sentPackets: prev?.sentPackets ?? 0,
      sentBytes: prev?.sentBytes ?? 0,
      recvPackets: prev?.recvPackets ?? 0,
      recvBytes: prev?.recvBytes ?? 0,
    };
    this.nodes.set(name, n);
    this.send(name, m.publish((this.o.facts ?? (() => healthyFacts))(name)));
    this.push({ at: this.now, order: this.order++, kind: 'tick', node: name, token: n.tickToken });
    return m;
  }

  /** Drops every datagram between `a` and the others (both ways) until `heal`. */
  cut(a: string): void {
    this.cutOff.add(a);
  }

  heal(a: string): void {
    this.cutOff.delete(a);
  }

  kill(name: string): void {
    const n = this.nodes.get(name);
    if (n) n.up = false;
  }

  /** The node runs nothing for `ms` (starved or paused). */
  pause(name: string, ms: number): void {
    const n = this.nodes.get(name);
    if (n) n.pausedUntil = Math.max(n.pausedUntil, this.now + ms);
  }

  publish(name: string, facts: NodeFacts): void {
    const n = this.nodes.get(name);
    if (n?.up) this.send(name, n.m.publish(facts));
  }

  membership(name: string): Membership {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n.m;
  }

  /** Live nodes' view of whether `node` is alive. */
  views(node: string): Map<string, boolean> {
    const out = new Map<string, boolean>();
    for (const [name, n] of this.nodes) if (n.up && name !== node) out.set(name, n.m.isAlive(node, this.now));
    return out;
  }

  /** Runs events until `until` (absolute simulated ms). */
  runUntil(until: number): void {
    for (;;) {
      const e = this.heap[0];
      if (!e || e.at > until) break;
      this.pop();
      this.now = e.at;
      const n = this.nodes.get(e.node);
      if (!n?.up) continue;
      if (e.kind === 'tick') {
        if (e.token !== n.tickToken) continue;
        if (this.now < n.pausedUntil) {
          this.push({ ...e, at: n.pausedUntil, order: this.order++ });
          continue;
        }
        const r = n.m.tick(this.now, Math.max(0, this.now - n.dueAt));
        this.send(e.node, r.out);
        // Datagrams that arrived during a pause are read after the overdue timer, as in Node.
        for (const h of n.held.splice(0)) this.handle(e.node, n, h.from, h.bytes);
        n.dueAt = Math.max(n.m.nextDue(this.now), this.now + 1);
        n.tickToken++;
        this.push({ at: n.dueAt, order: this.order++, kind: 'tick', node: e.node, token: n.tickToken });
      } else if (this.now < n.pausedUntil) {
        n.held.push({ from: e.from, bytes: e.bytes });
        continue;
      } else {
        this.handle(e.node, n, e.from, e.bytes);
        const due = n.m.nextDue(this.now);
        if (due < n.dueAt) {
          n.dueAt = Math.max(due, this.now + 1);
          n.tickToken++;
          this.push({ at: n.dueAt, order: this.order++, kind: 'tick', node: e.node, token: n.tickToken });
        }
      }
      this.onEvent?.(e.node);
    }
    this.now = until;
  }

  private handle(name: string, n: SimNode, from: string, bytes: Buffer): void {
    void from;
    n.recvPackets++;
    n.recvBytes += bytes.length;
    const d = decodeMessage(bytes, KEY);
    if (!d.ok) return;
    const r = n.m.receive(d.message, this.now, 2_000_000);
    this.send(name, r.out);
  }

  private send(from: string, out: readonly Outgoing[]): void {
    const n = this.nodes.get(from);
    if (!n) return;
    const [lo, hi] = this.o.delayMs ?? [0.1, 1];
    for (const { to, message } of out) {
      const enc = encodeMessage(message, KEY);
      if (!enc.ok) throw new Error(`could not encode a ${message.kind}: ${enc.reason}`);
      n.sentPackets++;
      n.sentBytes += enc.bytes.length;
      if (this.rand() < (this.o.lossRate ?? 0) || this.cutOff.has(from) || this.cutOff.has(to)) continue;
      // Links keep order (a LAN rarely reorders); the delay varies from one datagram to the next.
      const link = `${from} ${to}`;
      const at = Math.max(this.now + lo + (hi - lo) * this.rand(), this.linkFree.get(link) ?? 0);
      this.linkFree.set(link, at);
      this.push({ at, order: this.order++, kind: 'deliver', node: to, from, bytes: enc.bytes });
    }
  }

  private push(e: SimEvent): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as SimEvent, h[p] as SimEvent)) break;
      [h[i], h[p]] = [h[p] as SimEvent, h[i] as SimEvent];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as SimEvent, h[m] as SimEvent)) m = l;
      if (r < h.length && before(h[r] as SimEvent, h[m] as SimEvent)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as SimEvent, h[i] as SimEvent];
      i = m;
    }
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
