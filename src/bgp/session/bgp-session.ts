/**
 * One BGP session to one peer over TCP: the imperative shell around the pure state machine (fsm.ts),
 * the codec (wire/) and the Adj-RIB-Out (adj-rib-out.ts). It connects, feeds what arrives to the
 * state machine, carries out what it returns (send, close, timers), and keeps the peer's routes in
 * step with `setRoutes`: the whole table plus End-of-RIB once Established, then only differences.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { type Clock, monotonicClock, type TimerHandle } from '../../k8s/clock.js';
import { decodeMessage, encodeMessage, nextFrame } from '../wire/codec.js';
import type { CeaseSubcodeValue } from '../wire/codes.js';
import type { BgpMessage, WireContext } from '../wire/messages.js';
import { endOfRib, packUpdates, type Route, ribDiff } from './adj-rib-out.js';
import {
  type FsmAction,
  type FsmEvent,
  type FsmState,
  initialState,
  type Phase,
  step,
  type Timer,
} from './fsm.js';
import type { LocalSession, Negotiated } from './negotiate.js';
import { tcpConnect } from './tcp-connect.js';

export const BGP_PORT = 179;

export interface SessionOptions {
  readonly local: LocalSession;
  readonly peerAddress: string;
  readonly peerPort?: number;
  /** Source address of the connection (BGPPeer sourceAddress); the kernel picks one when absent. */
  readonly localAddress?: string;
  /** TCP MD5 key (RFC 2385) the connection is signed with; none when absent. */
  readonly password?: string;
  /** Set after this speaker restarted: the first OPEN carries graceful restart's R bit. */
  readonly restarting?: boolean;
  readonly log: Logger;
  readonly clock?: Clock;
}

export interface SessionEvents {
  onEstablished?(session: Negotiated): void;
  onDown?(reason: string, wasEstablished: boolean): void;
  /** Each message written to the peer (for the messages-sent metric). */
  onSent?(type: BgpMessage['type']): void;
}

export class BgpSession {
  private state: FsmState;
  private socket: Socket | undefined;
  private inbound: Uint8Array = new Uint8Array(0);
  private readonly timers = new Map<Timer, TimerHandle>();
  private readonly clock: Clock;
  private wanted = new Map<string, Route>();
  /** What the peer has from us in this session; empty until Established. */
  private sent = new Map<string, Route>();
  private ctx: WireContext = { fourOctetAs: false };
  private lastReason = '';
  /** Set by abandon(): nothing more goes out, not even the Cease that stopping sends. */
  private silent = false;
  /** Whether `wanted` is this node's whole table yet (see setRoutes), and the families still owed End-of-RIB. */
  private complete = true;
  private eorOwed: readonly ('IPv4' | 'IPv6')[] = [];

  constructor(
    private readonly opts: SessionOptions,
    private readonly events: SessionEvents = {},
  ) {
    this.clock = opts.clock ?? monotonicClock;
    this.state = initialState(opts.restarting ?? false);
  }

  get phase(): Phase {
    return this.state.phase;
  }
  /** Why the session last went down (for status conditions and Events). */
  get reason(): string {
    return this.lastReason;
  }

  start(): void {
    this.dispatch({ type: 'start' });
  }

  /**
   * Sends Cease when a session is up, and closes: administrative shutdown, or the subcode given
   * (CeaseSubcode.BFD_DOWN when BFD took the session down, so the peer's log says why).
   */
  async stop(reason = 'stopping', cease?: CeaseSubcodeValue): Promise<void> {
    const socket = this.socket;
    this.dispatch({ type: 'stop', reason, ...(cease === undefined ? {} : { cease }) });
    if (socket && !socket.destroyed) await new Promise<void>((r) => socket.once('close', () => r()));
  }

  /**
   * Leaves without a NOTIFICATION, as a restarting speaker does under graceful restart (RFC 4724):
   * a peer that negotiated it keeps our routes, marked stale, until we are back and have sent
   * End-of-RIB, or its restart timer runs out. A NOTIFICATION would make it drop them at once
   * (RFC 8538 aside, which FRR and BIRD do not assume).
   */
  async abandon(): Promise<void> {
    this.silent = true;
    await this.stop('restarting');
  }

  /**
   * The routes this peer should have (keyed by prefixKey); sent at once when Established.
   * `complete` false says the table is not whole yet (a speaker still warming up does not know which
   * Services it serves): End-of-RIB waits for the first complete one, so a peer keeping our routes
   * over a graceful restart does not drop them for an empty table that is about to fill again.
   */
  setRoutes(routes: ReadonlyMap<string, Route>, complete = true): void {
    this.wanted = new Map(routes);
    this.complete = complete;
    if (this.state.phase === 'established') this.sync();
  }

  private sync(): void {
    const { announce, withdraw } = ribDiff(this.sent, this.wanted);
    for (const m of packUpdates(announce, withdraw, this.ctx)) this.send(m);
    this.sent = new Map(this.wanted);
    if (!this.complete) return;
    for (const f of this.eorOwed) this.send(endOfRib(f));
    this.eorOwed = [];
  }

  private dispatch(e: FsmEvent): void {
    const r = step(this.state, e, this.opts.local);
    this.state = r.state;
    for (const a of r.actions) this.apply(a);
  }

  private apply(a: FsmAction): void {
    switch (a.type) {
      case 'connect':
        this.connect();
        break;
      case 'send':
        this.send(a.message);
        break;
      case 'close':
        this.closeSocket();
        break;
      case 'start-timer':
        this.cancel(a.timer);
        this.timers.set(
          a.timer,
          this.clock.setTimeout(() => {
            this.timers.delete(a.timer);
            this.dispatch({ type: 'timer', timer: a.timer });
          }, a.ms),
        );
        break;
      case 'cancel-timer':
        this.cancel(a.timer);
        break;
      case 'established':
        this.ctx = { fourOctetAs: a.session.fourOctetAs };
        this.opts.log.info(
          {
            event: 'bgp_established',
            peerAddress: this.opts.peerAddress,
            peerAsn: a.session.peerAsn,
            holdTimeS: a.session.holdTimeS,
            keepaliveS: a.session.keepaliveS,
            families: a.session.families,
          },
          'BGP session established',
        );
        this.events.onEstablished?.(a.session);
        // The whole table, then End-of-RIB for each family: a peer keeping our routes over a
        // restart (graceful restart) drops the stale ones it did not get again.
        this.sent = new Map();
        this.eorOwed = a.session.families;
        this.sync();
        break;
      case 'down':
        this.lastReason = a.reason;
        this.sent = new Map();
        this.opts.log.warn(
          {
            event: 'bgp_down',
            peerAddress: this.opts.peerAddress,
            reason: a.reason,
            wasEstablished: a.wasEstablished,
          },
          `BGP session down: ${a.reason}`,
        );
        this.events.onDown?.(a.reason, a.wasEstablished);
        break;
    }
  }

  private connect(): void {
    this.closeSocket();
    this.inbound = new Uint8Array(0);
    let socket: Socket;
    try {
      socket = tcpConnect({
        host: this.opts.peerAddress,
        port: this.opts.peerPort ?? BGP_PORT,
        localAddress: this.opts.localAddress,
        password: this.opts.password,
      });
    } catch (err) {
      // The signed socket could not be made: a failed connection, retried like one.
      const reason = err instanceof Error ? err.message : String(err);
      this.lastReason = reason;
      setImmediate(() => this.socket === undefined && this.dispatch({ type: 'tcp-down', reason }));
      return;
    }
    this.socket = socket;
    socket.setNoDelay(true);
    // Events from a socket we have since replaced or closed are old news.
    const current = () => this.socket === socket;
    socket.on('connect', () => current() && this.dispatch({ type: 'tcp-up' }));
    socket.on('data', (chunk: Buffer) => current() && this.receive(chunk));
    socket.on('error', (err) => {
      if (current()) this.lastReason = err.message;
    });
    socket.on('close', () => {
      if (!current()) return;
      this.socket = undefined;
      this.dispatch({ type: 'tcp-down', reason: this.lastReason || 'closed by the peer' });
    });
  }

  private receive(chunk: Buffer): void {
    const merged = new Uint8Array(this.inbound.length + chunk.length);
    merged.set(this.inbound);
    merged.set(chunk, this.inbound.length);
    let buf: Uint8Array = merged;
    for (;;) {
      const f = nextFrame(buf);
      if (f.kind === 'incomplete') break;
      if (f.kind === 'error') {
        this.dispatch({ type: 'decode-error', error: f.error });
        return;
      }
      buf = f.rest;
      const d = decodeMessage(f.bytes, this.ctx);
      if (!d.ok) {
        this.dispatch({ type: 'decode-error', error: d.error });
        return;
      }
      if (d.withdrawReasons.length > 0)
        this.opts.log.debug(
          { event: 'bgp_update_withdrawn', reasons: d.withdrawReasons },
          'malformed UPDATE treated as withdraw',
        );
      this.dispatch({ type: 'message', message: d.message });
      if (!this.socket) return;
    }
    this.inbound = buf.slice();
  }

  private send(m: BgpMessage): void {
    const s = this.socket;
    if (!s || s.destroyed || this.silent) return;
    s.write(encodeMessage(m, this.ctx));
    this.events.onSent?.(m.type);
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    // end() lets a NOTIFICATION written just before leave; destroy after a moment if the peer lingers.
    if (s && !s.destroyed) {
      s.end();
      setTimeout(() => s.destroy(), 1_000).unref();
    }
  }

  private cancel(t: Timer): void {
    const h = this.timers.get(t);
    if (h) this.clock.clearTimeout(h);
    this.timers.delete(t);
  }
}
