import { createSocket, type Socket } from 'node:dgram';
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
 * Sends this node's heartbeat to every peer every interval (and at once when its facts change), and
 * feeds authenticated, fresh heartbeats from peers into the membership. Refusals are counted by reason.
 */
export class HeartbeatTransport {
  private socket: Socket | undefined;
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
    const sock = createSocket({ type: 'udp4', reuseAddr: true });
    sock.on('message', (msg) => this.receive(msg));
    sock.on('error', (err) => this.log.warn({ err }, 'heartbeat socket error'));
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(this.opts.port, this.opts.bindAddress, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    this.socket = sock;
    const tick = () => {
      this.send();
      this.timer = setTimeout(tick, this.opts.intervalMs);
    };
    tick();
  }

  /** Peer addresses to send to (IPv4, from Node objects). */
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
    for (const addr of this.peers) {
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
