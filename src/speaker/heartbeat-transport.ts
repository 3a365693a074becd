import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Counter, Gauge } from 'prom-client';
import { decodeMessage, encodeMessage, type NodeFacts } from '../election/heartbeat-codec.js';
import { FactsTooLargeError, type Membership, type Outgoing } from '../election/membership.js';
import { type MembershipClock, systemMembershipClock } from './monotonic-clock.js';

export interface HeartbeatOptions {
  readonly node: string;
  readonly key: Uint8Array;
  readonly port: number;
  /** Address to bind; the node's own address in the lab, all addresses by default. */
  readonly bindAddress: string | undefined;
}

export interface HeartbeatMetrics {
  readonly rejected: Counter<'reason'>;
  /** Datagrams not sent: `too-large` (refused before sending) or the socket's error code. */
  readonly sendFailures: Counter<'reason'>;
  /** This node's own load score (0 = healthy); above 0 it widens its timeouts. */
  readonly healthScore?: Gauge;
}

/** A failing peer is logged at most this often; every failure is counted. */
const WARN_EVERY_MS = 10_000;

/**
 * The address a node's heartbeats go to: its IPv4 InternalIP, else its IPv6 one (IPv6-only node
 * networks), else its ExternalIP by the same preference. Peers address a node the way the cluster
 * does, so no extra configuration is needed.
 */
export function peerAddress(addresses: readonly { type: string; address: string }[]): string | undefined {
  for (const type of ['InternalIP', 'ExternalIP'])
    for (const family of [4, 6]) {
      const a = addresses.find((x) => x.type === type && isIP(x.address) === family);
      if (a) return a.address;
    }
  return undefined;
}

/**
 * The membership's I/O: runs its timer (telling it how late each turn fired, which is how a starved
 * node notices), signs and sends what it returns, and feeds it authenticated datagrams. Refusals are
 * counted by reason; send failures are counted and logged at warn.
 */
export class HeartbeatTransport {
  /** One socket per address family, so no host setting (net.ipv6.bindv6only) changes who is heard. */
  private readonly sockets = new Map<4 | 6, Socket>();
  private warnedNoIpv6 = false;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private readonly addresses = new Map<string, string>();
  private readonly lastWarned = new Map<string, number>();
  private stopped = false;
  private lastDead = '';

  constructor(
    private readonly opts: HeartbeatOptions,
    private readonly membership: Membership,
    private readonly onPeerChange: () => void,
    private readonly metrics: HeartbeatMetrics,
    private readonly log: Logger,
    private readonly clock: MembershipClock = systemMembershipClock,
  ) {}

  async start(): Promise<void> {
    const bind = this.opts.bindAddress;
    if (bind !== undefined) {
      const family = isIP(bind) === 6 ? 6 : 4;
      this.sockets.set(family, await this.open(family, bind));
    } else {
      this.sockets.set(4, await this.open(4, '0.0.0.0'));
      try {
        this.sockets.set(6, await this.open(6, '::'));
      } catch (err) {
        this.log.info({ err }, 'no IPv6 socket; heartbeats over IPv4 only');
      }
    }
    this.dueAt = this.clock.now();
    this.turn();
  }

  private async open(family: 4 | 6, address: string): Promise<Socket> {
    // The IPv6 socket carries IPv6 only, whatever the host default, so it never shadows the IPv4 one.
    const sock = createSocket(
      family === 6 ? { type: 'udp6', reuseAddr: true, ipv6Only: true } : { type: 'udp4', reuseAddr: true },
    );
    sock.on('message', (msg, rinfo) => this.receive(msg, rinfo.address));
    sock.on('error', (err) => this.log.warn({ err }, 'heartbeat socket error'));
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(this.opts.port, address, () => {
          sock.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      sock.close();
      throw err;
    }
    return sock;
  }

  /**
   * The cluster's nodes and where to reach them (from Node objects; see peerAddress). A node the list
   * lacks keeps its last address: a Node cache that is briefly empty (a relist after an API server
   * restart) must not make this node mute to its peers.
   */
  setPeers(peers: readonly { name: string; address: string | undefined }[]): void {
    for (const p of peers) if (p.address !== undefined) this.addresses.set(p.name, p.address);
    this.membership.setMembers(peers.map((p) => p.name));
  }

  /** New facts go out at once, not at the next tick: a failing probe must reach peers fast. */
  publish(facts: NodeFacts): void {
    try {
      this.send(this.membership.publish(facts));
    } catch (err) {
      if (!(err instanceof FactsTooLargeError)) throw err;
      this.metrics.sendFailures.inc({ reason: 'too-large' });
      this.log.error({ err }, 'node facts too large to publish; peers keep the previous ones');
    }
  }

  /** One timer turn: the membership learns how late it fired (its own health) and does what is due. */
  private turn(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const { out, changed } = this.membership.tick(now, Math.max(0, now - this.dueAt));
    this.metrics.healthScore?.set(this.membership.healthScore);
    this.send(out);
    if (changed) this.changed(now);
    this.schedule(now);
  }

  private schedule(now: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = this.membership.nextDue(now);
    this.timer = setTimeout(() => this.turn(), Math.max(0, this.dueAt - now));
  }

  private send(out: readonly Outgoing[]): void {
    for (const { to, message } of out) {
      const peer = this.addresses.get(to);
      if (peer === undefined) continue;
      const family = isIP(peer);
      const sock = family === 4 || family === 6 ? this.sockets.get(family) : undefined;
      if (!sock) {
        if (family === 6 && !this.warnedNoIpv6) {
          this.warnedNoIpv6 = true;
          this.log.warn({ peer }, 'a peer has only an IPv6 address and this node has no IPv6 socket');
        }
        continue;
      }
      const enc = encodeMessage(message, this.opts.key);
      if (!enc.ok) {
        this.failed(to, enc.reason, undefined);
        continue;
      }
      sock.send(enc.bytes, this.opts.port, peer, (err) => {
        if (err) this.failed(to, (err as NodeJS.ErrnoException).code ?? 'error', err);
      });
    }
  }

  private failed(node: string, reason: string, err: Error | undefined): void {
    this.metrics.sendFailures.inc({ reason });
    const key = `${node}/${reason}`;
    const now = this.clock.now();
    if (now - (this.lastWarned.get(key) ?? Number.NEGATIVE_INFINITY) < WARN_EVERY_MS) return;
    this.lastWarned.set(key, now);
    this.log.warn({ err, node, reason }, 'heartbeat datagram not sent');
  }

  private receive(msg: Buffer, from: string): void {
    const d = decodeMessage(msg, this.opts.key);
    if (!d.ok) {
      this.metrics.rejected.inc({ reason: d.reason });
      return;
    }
    const now = this.clock.now();
    const r = this.membership.receive(d.message, now, this.clock.wall());
    if (r.refused) {
      if (r.refused !== 'self') this.metrics.rejected.inc({ reason: r.refused });
      return;
    }
    // A speaker we hear but have no Node address for yet is answered where it spoke from.
    if (!this.addresses.has(d.message.node)) this.addresses.set(d.message.node, from);
    this.send(r.out);
    if (r.changed) this.changed(now);
    // Something newly due sooner (a suspicion started by this message) moves the timer up.
    if (this.membership.nextDue(now) < this.dueAt) this.schedule(now);
  }

  /** Logs each change in who is dead (rare, and what an operator asks first), then re-elects. */
  private changed(now: number): void {
    const dead = this.membership.deadPeers(now).sort().join(',');
    if (dead !== this.lastDead) {
      this.lastDead = dead;
      this.log.info(
        {
          event: 'peers_changed',
          dead: dead === '' ? [] : dead.split(','),
          heard: this.membership.heardPeers(now).sort(),
          withoutFacts: this.membership.alivePeers(now).filter((n) => !this.membership.facts(n)),
          healthScore: this.membership.healthScore,
        },
        'peer liveness changed',
      );
    }
    this.onPeerChange();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const sock of this.sockets.values()) sock.close();
    this.sockets.clear();
  }
}
