import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { decodeHeartbeat, encodeHeartbeat, type NodeFacts } from '../election/heartbeat-codec.js';
import type { Membership } from '../election/membership.js';

export interface HeartbeatOptions {
  readonly node: string;
  readonly key: Uint8Array;
  readonly port: number;
  /** Address to bind; the node's own address in the lab, all addresses by default. */
  readonly bindAddress: string | undefined;
  readonly intervalMs: number;
}

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
 * Sends this node's heartbeat to every peer every interval (and at once when its facts change), and
 * feeds authenticated, fresh heartbeats from peers into the membership. Refusals are counted by reason.
 */
export class HeartbeatTransport {
  /** One socket per address family, so no host setting (net.ipv6.bindv6only) changes who is heard. */
  private readonly sockets = new Map<4 | 6, Socket>();
  private warnedNoIpv6 = false;
  private timer: NodeJS.Timeout | undefined;
  private peers: readonly string[] = [];
  private seq = 0n;
  private readonly incarnation = BigInt(Date.now());
  private facts: NodeFacts | undefined;

  constructor(
    private readonly opts: HeartbeatOptions,
    private readonly membership: Membership,
    private readonly onPeerChange: () => void,
    private readonly rejected: Counter<'reason'>,
    private readonly log: Logger,
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
    const tick = () => {
      this.send();
      this.timer = setTimeout(tick, this.opts.intervalMs);
    };
    tick();
  }

  private async open(family: 4 | 6, address: string): Promise<Socket> {
    // The IPv6 socket carries IPv6 only, whatever the host default, so it never shadows the IPv4 one.
    const sock = createSocket(
      family === 6 ? { type: 'udp6', reuseAddr: true, ipv6Only: true } : { type: 'udp4', reuseAddr: true },
    );
    sock.on('message', (msg) => this.receive(msg));
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

  /** Peer addresses to send to (one per node, from Node objects; see peerAddress). */
  setPeers(addresses: readonly string[]): void {
    this.peers = addresses;
  }

  /** New facts go out at once, not at the next tick: a failing probe must reach peers fast. */
  publish(facts: NodeFacts): void {
    this.facts = facts;
    this.send();
  }

  private send(): void {
    if (this.sockets.size === 0 || !this.facts) return;
    this.seq += 1n;
    const buf = encodeHeartbeat(
      { node: this.opts.node, incarnation: this.incarnation, seq: this.seq, facts: this.facts },
      this.opts.key,
    );
    for (const peer of this.peers) {
      const family = isIP(peer);
      const sock = family === 4 || family === 6 ? this.sockets.get(family) : undefined;
      if (!sock) {
        if (family === 6 && !this.warnedNoIpv6) {
          this.warnedNoIpv6 = true;
          this.log.warn({ peer }, 'a peer has only an IPv6 address and this node has no IPv6 socket');
        }
        continue;
      }
      sock.send(buf, this.opts.port, peer, (err) => {
        if (err) this.log.debug({ err, peer }, 'heartbeat send failed');
      });
    }
  }

  private receive(msg: Buffer): void {
    const d = decodeHeartbeat(msg, this.opts.key);
    if (!d.ok) {
      this.rejected.inc({ reason: d.reason });
      return;
    }
    const now = Date.now();
    const wasAlive = this.membership.isAlive(d.heartbeat.node, now);
    const before = JSON.stringify(this.membership.facts(d.heartbeat.node));
    const refused = this.membership.receive(d.heartbeat, now);
    if (refused) {
      if (refused !== 'self') this.rejected.inc({ reason: refused });
      return;
    }
    if (!wasAlive || before !== JSON.stringify(d.heartbeat.facts)) this.onPeerChange();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const sock of this.sockets.values()) sock.close();
    this.sockets.clear();
  }
}
