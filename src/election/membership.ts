import type { Heartbeat, HeartbeatRejectReason, NodeFacts } from './heartbeat-codec.js';

export interface MembershipTiming {
  /** A peer unheard for this long is dead. Default 400 ms: four missed 100 ms heartbeats. */
  readonly deadAfterMs: number;
  /** Incarnations further in the future than this are refused (a forged far-future one would lock a node out). */
  readonly maxClockSkewMs: number;
}

export const DEFAULT_MEMBERSHIP_TIMING: MembershipTiming = { deadAfterMs: 400, maxClockSkewMs: 5 * 60_000 };

interface PeerState {
  incarnation: bigint;
  seq: bigint;
  lastHeard: number;
  facts: NodeFacts;
}

/**
 * Who is alive, from authenticated heartbeats: pure state, fed by the transport, asked with `now`.
 * A heartbeat counts only if its (incarnation, seq) is newer than the last one accepted from that
 * node, so a captured datagram replayed later is refused.
 */
export class Membership {
  private readonly peers = new Map<string, PeerState>();

  constructor(
    readonly self: string,
    private readonly timing: MembershipTiming = DEFAULT_MEMBERSHIP_TIMING,
  ) {}

  /** Records a decoded, authenticated heartbeat; returns why it was refused, if it was. */
  receive(hb: Heartbeat, now: number): HeartbeatRejectReason | undefined {
    if (hb.node === this.self) return 'self';
    if (hb.incarnation > BigInt(now + this.timing.maxClockSkewMs)) return 'future';
    const p = this.peers.get(hb.node);
    if (p && (hb.incarnation < p.incarnation || (hb.incarnation === p.incarnation && hb.seq <= p.seq)))
      return 'replayed';
    this.peers.set(hb.node, { incarnation: hb.incarnation, seq: hb.seq, lastHeard: now, facts: hb.facts });
    return undefined;
  }

  isAlive(node: string, now: number): boolean {
    if (node === this.self) return true;
    const p = this.peers.get(node);
    return p !== undefined && now - p.lastHeard < this.timing.deadAfterMs;
  }

  /** Live peers (not counting self). */
  alivePeers(now: number): string[] {
    return [...this.peers.keys()].filter((n) => this.isAlive(n, now));
  }

  facts(node: string): NodeFacts | undefined {
    return this.peers.get(node)?.facts;
  }

  /** Time of the next change in liveness, so the caller can re-rank exactly when a peer expires. */
  nextExpiry(now: number): number | undefined {
    let next: number | undefined;
    for (const p of this.peers.values()) {
      const at = p.lastHeard + this.timing.deadAfterMs;
      if (at > now && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  forget(node: string): void {
    this.peers.delete(node);
  }
}
