import { crypto } from '../runtime/required-builtins.js';
import {
  type Accusation,
  chunkFacts,
  factsBytes,
  factsDigestOf,
  type HeartbeatRejectReason,
  MAX_ACCUSATIONS,
  type Message,
  type MessageBody,
  type NodeFacts,
  type NodeRecord,
  nodeId,
  packRecords,
  parseFacts,
} from './heartbeat-codec.js';
import {
  DEFAULT_LOCAL_HEALTH,
  HEALTHY,
  type LocalHealth,
  type LocalHealthConfig,
  noteAccused,
  noteTick,
  scaleTimeout,
} from './local-health.js';
import { type RingNeighbours, ringNeighbours } from './ring.js';
import { type Judgement, judge, type SuspicionConfig } from './suspicion.js';

export interface MembershipTiming {
  /** Heartbeat period. */
  readonly intervalMs: number;
  /** A watched peer unheard this long (times this node's own load factor) is accused. */
  readonly deadAfterMs: number;
  /** Incarnations further in the future than this are refused (a forged far-future one would lock a node out). */
  readonly maxClockSkewMs: number;
  /** Heartbeat targets per node beyond which the ring is used (see ring.ts). */
  readonly watchers: number;
  readonly suspicion: SuspicionConfig;
  readonly health: LocalHealthConfig;
  /** A peer that says it is starved gets half a deadAfter per point of its score, up to this many deadAfters. */
  readonly maxPeerWiden: number;
}

export const DEFAULT_MEMBERSHIP_TIMING: MembershipTiming = {
  intervalMs: 100,
  deadAfterMs: 400,
  maxClockSkewMs: 5 * 60_000,
  watchers: 6,
  suspicion: { confirmations: 2, maxMs: 3_000 },
  health: DEFAULT_LOCAL_HEALTH,
  maxPeerWiden: 1,
};

/** A message for one member; the caller encodes, signs and sends it. */
export interface Outgoing {
  readonly to: string;
  readonly message: Message;
}

export interface Received {
  readonly refused?: HeartbeatRejectReason;
  readonly out: readonly Outgoing[];
  /** Liveness or facts may have changed: re-elect. */
  readonly changed: boolean;
}

interface Peer {
  incarnation: bigint;
  /** Highest seq taken, and which of the REPLAY_WINDOW below it were taken (bit i = seq - i). */
  seq: bigint;
  window: bigint;
  /** Monotonic ms of the last authenticated message from it. */
  lastHeard: number;
  /** Incarnations it used before, refused if they come back (replays). */
  readonly past: bigint[];
  /** Load it reported in its last heartbeat (0 = healthy). */
  health: number;
  viewMismatches: number;
  lastViewSent: number;
  lastFactsSent: number;
}

interface Assembly {
  readonly digest: bigint;
  readonly chunks: (Buffer | undefined)[];
}

/** How long answers to a peer's pulls, and our own pulls, are spaced, so nothing amplifies into a storm. */
const PULL_SPACING_MS = 500;
const PAST_INCARNATIONS = 8;
/** A node gone from the Node list is forgotten after this long unheard. */
const FORGET_AFTER_MS = 60_000;
/** Datagrams may arrive out of order (a burst of facts chunks): an anti-replay window as in IPsec (RFC 4303 §3.4.3). */
const REPLAY_WINDOW = 64n;

/**
 * This node's view of who is alive and what each node published, and the protocol that keeps it:
 * a pure state machine on a monotonic clock. The transport (or the bench's simulated network) feeds it
 * `tick` and `receive` and sends the messages they return; nothing here does I/O or reads a clock.
 *
 * - Heartbeats are constant-size (facts and view by digest) and go to ring neighbours (ring.ts).
 * - A watched peer unheard for deadAfter (widened by this node's own starvation, and by the peer's
 *   reported load) is accused; accusations are part of this node's record, sent to every member when
 *   they change. A node is dead when confirmed (suspicion.ts). Any newer record from the accused, which
 *   it sends as soon as it hears it is accused, voids the accusation (SWIM's refutation).
 * - Records are replicated last-writer-wins by (incarnation, seq); a heartbeat whose view digest
 *   differs from ours makes us push ours and pull theirs, so a lost broadcast is repaired.
 * - Facts travel as chunks: pushed to every member on change, pulled when a digest is unknown.
 */
export class Membership {
  private readonly selfId: bigint;
  incarnation: bigint;
  private seq = 0n;
  private readonly ids = new Map<string, bigint>();
  private readonly names = new Map<bigint, string>();
  /** Members ordered by id: the ring. */
  private order: string[] = [];
  private readonly peers = new Map<string, Peer>();
  private readonly records = new Map<bigint, NodeRecord>();
  private readonly facts_ = new Map<string, { digest: bigint; facts: NodeFacts }>();
  private readonly assembling = new Map<string, Assembly>();
  private readonly accusing = new Map<string, Accusation>();
  private readonly suspectSince = new Map<string, number>();
  private readonly watchedSince = new Map<string, number>();
  private myFacts: { bytes: Buffer; digest: bigint; chunks: Buffer[] } | undefined;
  private health: LocalHealth = HEALTHY;
  private startedAt: number | undefined;
  private nextHeartbeat = Number.NEGATIVE_INFINITY;
  private viewXor = 0n;
  /** Origins whose record accuses someone: the only ones judgement needs to read. */
  private readonly accusingOrigins = new Set<bigint>();
  private judged: { at: number; version: number; j: Judgement } | undefined;
  private accusersAt: { version: number; accusers: ReadonlyMap<string, ReadonlySet<string>> } | undefined;
  private version = 0;
  /** Latest monotonic time seen, for decisions taken where no `now` is passed (setMembers). */
  private lastNow = Number.NEGATIVE_INFINITY;
  /** A record of our own from an earlier life was newer than ours: send a fresh one. */
  private pendingRefute = false;
  /** Nodes whose record names facts we do not hold; pulled from them, spaced by PULL_SPACING_MS. */
  private readonly wantFacts = new Map<string, number>();
  /** A record taken in accuses this life of ours and is not voided by our own record. */
  private accused = false;
  private ringCache: { order: string[]; key: string; ring: RingNeighbours } | undefined;

  constructor(
    readonly self: string,
    private readonly timing: MembershipTiming = DEFAULT_MEMBERSHIP_TIMING,
    /** Wall-clock ms at start: the first incarnation (a restart starts a larger one). */
    wallNow = 0,
  ) {
    this.selfId = nodeId(self);
    this.incarnation = BigInt(Math.max(0, Math.floor(wallNow)));
    this.setMembers([self]);
  }

  // ---- membership list -------------------------------------------------------------------------

  /**
   * The nodes of the cluster (from Node objects). A node missing from the list is forgotten once it
   * has also been silent for FORGET_AFTER_MS: a Node cache that is briefly empty or behind (a relist
   * after an API server restart) must not make this node deaf to its peers.
   */
  setMembers(names: Iterable<string>): void {
    const next = new Set(names);
    next.add(this.self);
    for (const n of [...this.ids.keys()])
      if (
        !next.has(n) &&
        this.lastNow - (this.peers.get(n)?.lastHeard ?? Number.NEGATIVE_INFINITY) >= FORGET_AFTER_MS
      )
        this.forget(n);
    for (const n of next) this.addMember(n);
  }

  private addMember(n: string): void {
    if (this.ids.has(n)) return;
    const id = nodeId(n);
    this.ids.set(n, id);
    this.names.set(id, n);
    this.order = [...this.ids.entries()]
      .sort(([a, x], [b, y]) => (x < y ? -1 : x > y ? 1 : a < b ? -1 : 1))
      .map(([name]) => name);
    this.touch();
  }

  /** Drops everything known about a node, so a node that comes back starts from a clean slate. */
  forget(node: string): void {
    if (node === this.self) return;
    const id = this.ids.get(node);
    this.peers.delete(node);
    this.facts_.delete(node);
    this.assembling.delete(node);
    this.accusing.delete(node);
    this.suspectSince.delete(node);
    this.watchedSince.delete(node);
    this.wantFacts.delete(node);
    if (id !== undefined) {
      this.deleteRecord(id);
      this.names.delete(id);
    }
    this.ids.delete(node);
    this.order = this.order.filter((n) => n !== node);
    this.touch();
  }

  // ---- queries ---------------------------------------------------------------------------------

  isAlive(node: string, now: number): boolean {
    if (node === this.self) return true;
    return this.ids.has(node) && !this.judgement(now).dead.has(node);
  }

  /** Live members other than self: never heard of as dead. A member is alive until accused. */
  alivePeers(now: number): string[] {
    const dead = this.judgement(now).dead;
    return this.order.filter((n) => n !== this.self && !dead.has(n));
  }

  /** Members this node judges dead (cheap: no walk over the whole membership). */
  deadPeers(now: number): string[] {
    return [...this.judgement(now).dead];
  }

  /** Peers this node heard from directly within deadAfter: its own evidence, for the isolation rule. */
  heardPeers(now: number): string[] {
    return [...this.peers].filter(([, p]) => now - p.lastHeard < this.timing.deadAfterMs).map(([n]) => n);
  }

  facts(node: string): NodeFacts | undefined {
    return this.facts_.get(node)?.facts;
  }

  /** This node's own load score (0 = healthy), for metrics and logs. */
  get healthScore(): number {
    return this.health.score;
  }

  /** When `tick` next has something to do (a heartbeat, an accusation, a suspicion running out). */
  nextDue(now: number): number {
    let next = this.nextHeartbeat;
    // Deadlines already past are handled by the tick in progress (or wait on the accusation cap).
    for (const n of this.neighbours(now).watched) {
      if (this.accusing.has(n)) continue;
      const at = this.accuseAt(n);
      if (at > now && at < next) next = at;
    }
    const s = this.judgement(now).nextAt;
    if (s !== undefined && s < next) next = s;
    return Math.max(now, next);
  }

  /** Time of the next change in liveness without a message, so the caller can re-rank exactly then. */
  nextExpiry(now: number): number | undefined {
    return this.judgement(now).nextAt;
  }

  // ---- protocol --------------------------------------------------------------------------------

  /** New facts go to every member at once: a failing probe must reach peers fast. */
  publish(facts: NodeFacts): Outgoing[] {
    const bytes = factsBytes(facts);
    const digest = factsDigestOf(bytes);
    if (this.myFacts?.digest === digest) return [];
    const chunks = chunkFacts(this.self, bytes);
    if (!chunks) throw new FactsTooLargeError(bytes.length);
    this.myFacts = { bytes, digest, chunks };
    const out = this.bumpRecord();
    for (const to of this.others()) out.push(...this.factsTo(to));
    this.touch();
    return out;
  }

  /**
   * Called on every timer turn with how late the turn was: updates this node's own health, accuses
   * watched peers that went quiet, withdraws accusations of peers heard again, and sends heartbeats
   * when due.
   */
  tick(now: number, late: number): { out: Outgoing[]; changed: boolean } {
    const out: Outgoing[] = [];
    this.lastNow = Math.max(this.lastNow, now);
    if (this.startedAt === undefined) {
      this.startedAt = now;
      // Learn the view (accusations, stale records of ourselves) from the neighbours at once.
      for (const to of this.neighbours(now).targets) out.push(this.stamp(to, { kind: 'pull', what: 'view' }));
    }
    this.health = noteTick(this.health, late, now, this.timing.health);
    const before = this.judgement(now).dead;
    if (this.updateAccusations(now)) out.push(...this.bumpRecord());
    if (now >= this.nextHeartbeat) {
      this.nextHeartbeat = now + this.timing.intervalMs;
      const body: MessageBody = {
        kind: 'heartbeat',
        health: this.health.score,
        factsDigest: this.myFacts?.digest ?? 0n,
        viewDigest: this.viewDigest(),
      };
      for (const to of this.neighbours(now).targets) out.push(this.stamp(to, body));
    }
    out.push(...this.pullWantedFacts(now));
    const after = this.judgement(now).dead;
    const changed = before.size !== after.size || [...after].some((d) => !before.has(d));
    return { out, changed };
  }

  receive(m: Message, now: number, wallNow: number): Received {
    const refuse = (refused: HeartbeatRejectReason): Received => ({ refused, out: [], changed: false });
    if (m.node === this.self) return refuse('self');
    this.lastNow = Math.max(this.lastNow, now);
    // An authenticated speaker not (yet) in our Node list is a member all the same (see setMembers).
    this.addMember(m.node);
    if (m.incarnation > BigInt(Math.floor(wallNow) + this.timing.maxClockSkewMs)) return refuse('future');
    const before = this.judgement(now).dead;
    const p = this.peers.get(m.node);
    if (p && !this.fresh(p, m, now)) return refuse('replayed');
    const peer = this.accept(m.node, p, m, now);
    const out: Outgoing[] = [];
    let changed = !p;
    switch (m.kind) {
      case 'heartbeat': {
        peer.health = m.health;
        // Pull at once: a node that just started must know its peers' facts before its warm-up
        // ends, or it claims their IPs.
        this.noteFactsDigest(m.node, m.factsDigest, Number.NEGATIVE_INFINITY);
        if (m.viewDigest !== this.viewDigest()) {
          // One mismatch is usually a broadcast still in flight; two in a row is a lost one.
          peer.viewMismatches++;
          if (peer.viewMismatches >= 2 && now - peer.lastViewSent >= PULL_SPACING_MS) {
            peer.lastViewSent = now;
            out.push(...this.viewTo(m.node), this.stamp(m.node, { kind: 'pull', what: 'view' }));
          }
        } else peer.viewMismatches = 0;
        break;
      }
      case 'state':
        if (m.record.origin !== this.ids.get(m.node)) return refuse('bad-body');
        changed = this.merge(m.record, true, now) || changed;
        break;
      case 'view':
        for (const r of m.records) changed = this.merge(r, false, now) || changed;
        break;
      case 'facts':
        changed = this.assemble(m.node, m.digest, m.index, m.count, m.chunk) || changed;
        break;
      case 'pull':
        if (m.what === 'facts' && now - peer.lastFactsSent >= PULL_SPACING_MS) {
          peer.lastFactsSent = now;
          out.push(...this.factsTo(m.node));
        } else if (m.what === 'view' && now - peer.lastViewSent >= PULL_SPACING_MS) {
          peer.lastViewSent = now;
          out.push(...this.viewTo(m.node));
        }
        break;
    }
    out.push(...this.pullWantedFacts(now));
    // Accused by a record we just took in, while we are plainly alive: refute at once.
    out.push(...this.refuteIfAccused());
    if (this.accusing.has(m.node) && this.updateAccusations(now)) out.push(...this.bumpRecord());
    const after = this.judgement(now).dead;
    changed ||= before.size !== after.size || [...after].some((d) => !before.has(d));
    return { out, changed };
  }

  // ---- internals -------------------------------------------------------------------------------

  private others(): string[] {
    return this.order.filter((n) => n !== this.self);
  }

  private neighbours(now: number): RingNeighbours {
    const dead = this.judgement(now).dead;
    const key = [...dead].sort().join(' ');
    const c = this.ringCache;
    if (c?.order === this.order && c.key === key) return c.ring;
    const ring = ringNeighbours(this.order, this.self, this.timing.watchers, dead);
    this.ringCache = { order: this.order, key, ring };
    return ring;
  }

  private stamp(to: string, body: MessageBody): Outgoing {
    this.seq += 1n;
    return { to, message: { node: this.self, incarnation: this.incarnation, seq: this.seq, ...body } };
  }

  /**
   * Replay defence. Within an incarnation seq must grow; a larger incarnation is a restart. A smaller
   * one is a restart with the clock stepped back (issue 12, item 7): taken once the old incarnation has
   * been silent for deadAfter, unless it is one we have seen before (that would be a replay).
   */
  private fresh(p: Peer, m: Message, now: number): boolean {
    if (m.incarnation === p.incarnation) {
      if (m.seq > p.seq) return true;
      const back = p.seq - m.seq;
      return back < REPLAY_WINDOW && ((p.window >> back) & 1n) === 0n;
    }
    if (m.incarnation > p.incarnation) return true;
    return now - p.lastHeard >= this.timing.deadAfterMs && !p.past.includes(m.incarnation);
  }

  private accept(node: string, p: Peer | undefined, m: Message, now: number): Peer {
    if (!p) {
      const fresh: Peer = {
        incarnation: m.incarnation,
        seq: m.seq,
        window: 1n,
        lastHeard: now,
        past: [],
        health: 0,
        viewMismatches: 0,
        lastViewSent: Number.NEGATIVE_INFINITY,
        lastFactsSent: Number.NEGATIVE_INFINITY,
      };
      this.peers.set(node, fresh);
      return fresh;
    }
    if (m.incarnation !== p.incarnation) {
      p.past.push(p.incarnation);
      if (p.past.length > PAST_INCARNATIONS) p.past.shift();
      // A new life: what it published before no longer holds.
      this.facts_.delete(node);
      const id = this.ids.get(node);
      if (id !== undefined) this.deleteRecord(id);
      this.touch();
    }
    if (m.incarnation !== p.incarnation) {
      p.incarnation = m.incarnation;
      p.seq = m.seq;
      p.window = 1n;
    } else if (m.seq > p.seq) {
      p.window = ((p.window << (m.seq - p.seq)) | 1n) & ((1n << REPLAY_WINDOW) - 1n);
      p.seq = m.seq;
    } else p.window |= 1n << (p.seq - m.seq);
    p.lastHeard = now;
    return p;
  }

  private accuseAt(node: string): number {
    const p = this.peers.get(node);
    const heard = Math.max(
      p?.lastHeard ?? Number.NEGATIVE_INFINITY,
      this.watchedSince.get(node) ?? Number.NEGATIVE_INFINITY,
      (this.startedAt ?? Number.POSITIVE_INFINITY) + this.timing.intervalMs,
    );
    const widen = Math.min((p?.health ?? 0) / 2, this.timing.maxPeerWiden) * this.timing.deadAfterMs;
    // After a stall of our own, the datagrams that waited in the socket are read on the same turn of
    // the event loop, just after the overdue timer: a grace of one heartbeat interval lets them (and a
    // heartbeat in flight) count before anyone is accused. Not a whole fresh timeout: on a machine
    // where stalls come every few ticks, that postponed the accusation of a dead peer for as long as
    // the stalls went on (3 s in the lab at load 20 on 2 cores, against a 1 s failover budget).
    return Math.max(
      heard + scaleTimeout(this.health, this.timing.deadAfterMs) + widen,
      this.health.stallEnd + this.timing.intervalMs,
    );
  }

  /** Accuses quiet watched peers and withdraws accusations of peers heard since; true if any changed. */
  private updateAccusations(now: number): boolean {
    let changed = false;
    const watched = this.neighbours(now).watched;
    const set = new Set(watched);
    for (const n of watched) if (!this.watchedSince.has(n)) this.watchedSince.set(n, now);
    for (const n of this.watchedSince.keys()) if (!set.has(n)) this.watchedSince.delete(n);
    for (const [n, a] of this.accusing) {
      const p = this.peers.get(n);
      if (!this.ids.has(n) || (p && (p.incarnation !== a.incarnation || p.seq > a.seq))) {
        this.accusing.delete(n);
        changed = true;
      }
    }
    for (const n of watched) {
      if (this.accusing.has(n) || now < this.accuseAt(n)) continue;
      if (this.accusing.size >= MAX_ACCUSATIONS) break;
      // Never heard directly: accuse the life its record describes, so that record does not void it.
      const p = this.peers.get(n);
      const r = this.records.get(nodeId(n));
      this.accusing.set(n, {
        target: nodeId(n),
        incarnation: p?.incarnation ?? r?.incarnation ?? 0n,
        seq: p?.seq ?? r?.seq ?? 0n,
      });
      changed = true;
    }
    return changed;
  }

  /** A new version of our own record, sent to every member. */
  private bumpRecord(): Outgoing[] {
    this.seq += 1n;
    const record: NodeRecord = {
      origin: this.selfId,
      incarnation: this.incarnation,
      seq: this.seq,
      factsDigest: this.myFacts?.digest ?? 0n,
      accusing: [...this.accusing.values()],
    };
    this.setRecord(record);
    this.touch();
    return this.others().map((to) => this.stamp(to, { kind: 'state', record }));
  }

  /**
   * Takes in a record, last writer wins. A record of ourselves that is newer than ours means an earlier
   * life of this node with a later clock (the clock stepped back across a restart): adopt an incarnation
   * past it, so peers take our records again.
   */
  private merge(r: NodeRecord, direct: boolean, now: number): boolean {
    if (r.origin === this.selfId) {
      if (r.incarnation >= this.incarnation) {
        const mine = this.records.get(this.selfId);
        if (!mine || r.incarnation > mine.incarnation || r.seq > mine.seq) {
          this.incarnation = r.incarnation + 1n;
          this.seq = 0n;
          this.pendingRefute = true;
        }
      }
      return false;
    }
    if (!this.names.has(r.origin)) return false;
    const cur = this.records.get(r.origin);
    const newer =
      direct ||
      !cur ||
      r.incarnation > cur.incarnation ||
      (r.incarnation === cur.incarnation && r.seq > cur.seq);
    if (!newer) return false;
    this.setRecord(r);
    const mine = this.records.get(this.selfId);
    for (const a of r.accusing)
      if (a.target === this.selfId && a.incarnation === this.incarnation && (!mine || a.seq >= mine.seq))
        this.accused = true;
    const name = this.names.get(r.origin);
    if (name !== undefined) this.noteFactsDigest(name, r.factsDigest, now);
    this.touch();
    return true;
  }

  /** Sends a fresh record of ourselves if a live record accuses our current life, or ours was stale. */
  private refuteIfAccused(): Outgoing[] {
    if (!this.accused && !this.pendingRefute) return [];
    if (this.accused) this.health = noteAccused(this.health, this.timing.health);
    this.accused = false;
    this.pendingRefute = false;
    return this.bumpRecord();
  }

  /**
   * Remembers that `node` published facts with this digest, so we pull them if we lack them. `since`
   * counts toward the pull spacing: a record's facts follow it in the same burst, so wait for them; a
   * heartbeat is followed by nothing, so pull at once (-Infinity).
   */
  private noteFactsDigest(node: string, digest: bigint, since: number): void {
    if (digest === 0n || this.facts_.get(node)?.digest === digest) this.wantFacts.delete(node);
    else if (!this.wantFacts.has(node)) this.wantFacts.set(node, since);
  }

  private pullWantedFacts(now: number): Outgoing[] {
    const out: Outgoing[] = [];
    for (const [node, last] of this.wantFacts)
      if (now - last >= PULL_SPACING_MS) {
        this.wantFacts.set(node, now);
        out.push(this.stamp(node, { kind: 'pull', what: 'facts' }));
      }
    return out;
  }

  private factsTo(to: string): Outgoing[] {
    const f = this.myFacts;
    if (!f) return [];
    return f.chunks.map((chunk, index) =>
      this.stamp(to, { kind: 'facts', digest: f.digest, index, count: f.chunks.length, chunk }),
    );
  }

  private viewTo(to: string): Outgoing[] {
    return packRecords(this.self, [...this.records.values()]).map((records) =>
      this.stamp(to, { kind: 'view', records }),
    );
  }

  private assemble(node: string, digest: bigint, index: number, count: number, chunk: Buffer): boolean {
    if (this.facts_.get(node)?.digest === digest) return false;
    let a = this.assembling.get(node);
    if (!a || a.digest !== digest || a.chunks.length !== count) {
      a = { digest, chunks: new Array<Buffer | undefined>(count).fill(undefined) };
      this.assembling.set(node, a);
    }
    a.chunks[index] = chunk;
    if (a.chunks.some((c) => c === undefined)) return false;
    this.assembling.delete(node);
    const bytes = Buffer.concat(a.chunks as Buffer[]);
    const facts = factsDigestOf(bytes) === digest ? parseFacts(bytes) : undefined;
    if (!facts) return false;
    this.facts_.set(node, { digest, facts });
    this.wantFacts.delete(node);
    return true;
  }

  /**
   * Digest of the records we hold: the XOR of a hash of each (origin, incarnation, seq), kept up to
   * date as records change, so a heartbeat never walks the whole view. Only compared, never trusted.
   */
  private viewDigest(): bigint {
    return this.viewXor;
  }

  private setRecord(r: NodeRecord): void {
    this.deleteRecord(r.origin);
    this.records.set(r.origin, r);
    this.viewXor ^= recordHash(r);
    if (r.accusing.length > 0) this.accusingOrigins.add(r.origin);
    this.touch();
  }

  private deleteRecord(origin: bigint): void {
    const old = this.records.get(origin);
    if (!old) return;
    this.records.delete(origin);
    this.viewXor ^= recordHash(old);
    this.accusingOrigins.delete(origin);
    this.touch();
  }

  private touch(): void {
    this.version++;
  }

  /** Who is dead now: the accusations (recomputed when records change) judged at `now`. */
  private judgement(now: number): Judgement {
    if (this.judged?.at === now && this.judged.version === this.version) return this.judged.j;
    const accusers = this.validAccusers(now);
    const j = judge(this.self, this.order.length, accusers, this.suspectSince, now, this.timing.suspicion);
    this.judged = { at: now, version: this.version, j };
    return j;
  }

  /**
   * Valid accusations per target: not voided by a later record of the target's own. Suspicion starts
   * when a target first has one, on this node's clock (so no clocks need to agree).
   */
  private validAccusers(now: number): ReadonlyMap<string, ReadonlySet<string>> {
    if (this.accusersAt?.version === this.version) return this.accusersAt.accusers;
    const accusers = new Map<string, Set<string>>();
    for (const origin of this.accusingOrigins) {
      const r = this.records.get(origin);
      const by = this.names.get(origin);
      if (by === undefined || r === undefined) continue;
      for (const a of r.accusing) {
        const target = this.names.get(a.target);
        if (target === undefined || target === by) continue;
        const own = this.records.get(a.target);
        if (
          own &&
          (own.incarnation > a.incarnation || (own.incarnation === a.incarnation && own.seq > a.seq))
        )
          continue;
        const set = accusers.get(target) ?? new Set<string>();
        set.add(by);
        accusers.set(target, set);
      }
    }
    for (const t of this.suspectSince.keys()) if (!accusers.has(t)) this.suspectSince.delete(t);
    for (const t of accusers.keys()) if (!this.suspectSince.has(t)) this.suspectSince.set(t, now);
    this.accusersAt = { version: this.version, accusers };
    return accusers;
  }
}

function recordHash(r: NodeRecord): bigint {
  const b = Buffer.alloc(24);
  b.writeBigUInt64BE(r.origin, 0);
  b.writeBigUInt64BE(r.incarnation, 8);
  b.writeBigUInt64BE(r.seq, 16);
  return crypto.createHash('sha256').update(b).digest().readBigUInt64BE(0);
}

export class FactsTooLargeError extends Error {
  readonly code = 'FACTS_TOO_LARGE';
  constructor(readonly bytes: number) {
    super(`node facts of ${bytes} bytes exceed what the facts datagrams carry`);
  }
}
