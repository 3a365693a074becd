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

/** udp4 or udp6 bound to one address, or one udp6 socket on `::` that also carries IPv4. */
export type SocketKind = 'udp4' | 'udp6' | 'dual';

/**
 * Where a heartbeat for `peer` goes on a socket of `kind`: a dual-stack socket reaches IPv4 peers
 * through their IPv4-mapped IPv6 address; a single-family socket cannot reach the other family.
 */
export function sendAddress(peer: string, kind: SocketKind): string | undefined {
  const family = isIP(peer);
  if (family === 0) return undefined;
  if (kind === 'dual') return family === 4 ? `::ffff:${peer}` : peer;
  return (kind === 'udp6') === (family === 6) ? peer : undefined;
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
  private socket: Socket | undefined;
  private kind: SocketKind = 'udp4';
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
      this.kind = isIP(bind) === 6 ? 'udp6' : 'udp4';
      this.socket = await this.open(this.kind, bind);
    } else {
      // One dual-stack socket serves IPv4 and IPv6 peers alike; a kernel without IPv6 gets IPv4 only.
      try {
        this.kind = 'dual';
        this.socket = await this.open('udp6', '::');
      } catch (err) {
        this.log.info({ err }, 'no IPv6 socket; heartbeats over IPv4 only');
        this.kind = 'udp4';
        this.socket = await this.open('udp4', undefined);
      }
    }
    const tick = () => {
      this.send();
      this.timer = setTimeout(tick, this.opts.intervalMs);
    };
    tick();
  }

  private async open(type: 'udp4' | 'udp6', address: string | undefined): Promise<Socket> {
    const sock = createSocket({ type, reuseAddr: true, ipv6Only: false });
    sock.on('message', (msg) => this.receive(msg));
    sock.on('error', (err) => this.log.warn({ err }, 'heartbeat socket error'));
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(this.opts.port, address, () => {
        sock.off('error', reject);
        resolve();
      });
    });
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
    if (!this.socket || !this.facts) return;
    this.seq += 1n;
    const buf = encodeHeartbeat(
      { node: this.opts.node, incarnation: this.incarnation, seq: this.seq, facts: this.facts },
      this.opts.key,
    );
    for (const peer of this.peers) {
      const addr = sendAddress(peer, this.kind);
      if (addr === undefined) continue;
      this.socket.send(buf, this.opts.port, addr, (err) => {
        if (err) this.log.debug({ err, peer: addr }, 'heartbeat send failed');
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
    this.socket?.close();
    this.socket = undefined;
  }
}
