/**
 * The speaker's BGP side, imperative shell (issue 17): it holds one BgpSession per BGPPeer the plan
 * picks for this node, starts, restarts and stops them as the plan changes (sessionChanges), and
 * hands each the routes planBgp gave its peer. The decisions are pure (bgp-plan.ts,
 * session-settings.ts, session-changes.ts); this file only carries them out.
 */
import type { Logger } from 'pino';
import type { Clock } from '../k8s/clock.js';
import { parseAddress } from '../net/address.js';
import type { BfdStateName } from './bfd/bfd-packet.js';
import { BfdSessions } from './bfd/bfd-sessions.js';
import { bfdSignal } from './bfd/bfd-signal.js';
import type { BfdSessionSpec } from './bfd/bfd-wire-types.js';
import { type BgpPlan, wireRoute } from './bgp-plan.js';
import { inlinePassword, type PeerPassword } from './peer-password.js';
import type { Route } from './session/adj-rib-out.js';
import { BgpSession } from './session/bgp-session.js';
import type { Negotiated } from './session/negotiate.js';
import { sessionChanges } from './session-changes.js';
import {
  type NodeAddresses,
  type SessionSettings,
  type SettingsResult,
  sessionSettings,
} from './session-settings.js';
import { CeaseSubcode } from './wire/codes.js';
import type { BgpMessage } from './wire/messages.js';

export type PeerState = 'connecting' | 'established' | 'down' | 'refused';

export interface BgpSpeakerOptions {
  readonly node: NodeAddresses;
  readonly log: Logger;
  readonly clock?: Clock;
  /** The speaker restarted: sessions open with graceful restart's R bit (RFC 4724). */
  readonly restarting?: boolean;
  /** Each peer's state as it changes, with why (for status conditions, Events and metrics). */
  readonly onPeerState?: (peer: string, state: PeerState, reason: string) => void;
  /** Each BGP message sent to a peer (metrics). */
  readonly onMessageSent?: (peer: string, type: BgpMessage['type']) => void;
  /** A peer's BFD session state as it changes; undefined once it has no BFD session (metrics). */
  readonly onBfdState?: (peer: string, state: BfdStateName | undefined) => void;
}

interface Running {
  readonly key: string;
  readonly session: BgpSession;
  readonly families: readonly ('IPv4' | 'IPv6')[];
  /** The address the session connects from: the next hop of its own family's routes. */
  readonly localAddress: string | undefined;
  readonly gracefulRestart: boolean;
  /** This session's BFD, when its BGPPeer names a profile. */
  readonly bfd: BfdSessionSpec | undefined;
}

export class BgpSpeaker {
  private readonly running = new Map<string, Running>();
  /** The last refusal reported per peer, so a plan applied every second does not repeat it. */
  private readonly refused = new Map<string, string>();
  private readonly bfd: BfdSessions;
  /** Each BFD session's last state, to act on Up -> Down only. */
  private readonly bfdStates = new Map<string, BfdStateName>();
  /** The last plan applied, to open a session BFD took down again at once. */
  private last:
    | {
        readonly plan: BgpPlan;
        readonly complete: boolean;
        readonly passwords: ReadonlyMap<string, PeerPassword> | undefined;
      }
    | undefined;

  constructor(private readonly opts: BgpSpeakerOptions) {
    this.bfd = new BfdSessions(
      (key, state, diag, remoteState) => this.onBfd(key, state, diag, remoteState),
      opts.log.child({ component: 'bfd' }),
    );
  }

  /**
   * RFC 5882 §4.3: BFD going down takes the BGP session down at once, rather than after the hold
   * time, with the Cease subcode RFC 9384 gives it (BFD Down), so the peer's log says why. The
   * session is dropped and opened again at once (from the last plan), and it comes up only when the
   * peer answers.
   */
  private onBfd(name: string, state: BfdStateName, diag: number, remoteState: BfdStateName): void {
    // A state the worker sent before it learned the session is gone is old news.
    if (!this.running.get(name)?.bfd) return;
    const before = this.bfdStates.get(name);
    this.bfdStates.set(name, state);
    if (before !== state) this.opts.onBfdState?.(name, state);
    if (before !== undefined && before !== state)
      this.opts.log.info(
        { event: 'bfd_state', peer: name, state, was: before, diag },
        `BFD ${before} -> ${state}`,
      );
    const signal = bfdSignal(before, state, remoteState);
    if (signal === 'peer-admin-down')
      this.opts.log.info(
        { event: 'bfd_peer_admin_down', peer: name },
        'BFD: the peer switched BFD off (AdminDown); the BGP session stays, on its hold time',
      );
    if (signal !== 'path-down') return;
    const r = this.running.get(name);
    if (!r) return;
    this.running.delete(name);
    this.bfdStates.delete(name);
    const why =
      diag === 1 ? 'BFD: no packet within the detection time' : 'BFD: the peer signalled its session down';
    void r.session.stop(why, CeaseSubcode.BFD_DOWN);
    this.opts.onPeerState?.(name, 'down', why);
    // Open it again now rather than at the caller's next plan: it comes up when the peer answers.
    const last = this.last;
    if (last) setImmediate(() => this.apply(last.plan, last.complete, last.passwords));
  }

  /**
   * Makes the sessions and their routes what the plan says; returns the routes given to each peer.
   * `complete` false: the plan is not this node's whole table yet (it is warming up), so End-of-RIB
   * waits (BgpSession.setRoutes). `passwords`: each peer's TCP MD5 password as peerPassword looked it
   * up (a peer missing there has only its inline one).
   */
  apply(
    plan: BgpPlan,
    complete = true,
    passwords?: ReadonlyMap<string, PeerPassword>,
  ): ReadonlyMap<string, number> {
    this.last = { plan, complete, passwords };
    const given = new Map<string, number>();
    const wanted = new Map<string, Extract<SettingsResult, { ok: true }>>();
    for (const peer of plan.sessions) {
      const profile = peer.bfdProfile === undefined ? undefined : plan.bfdProfiles.get(peer.bfdProfile);
      const r = sessionSettings(
        peer,
        this.opts.node,
        profile,
        passwords?.get(peer.name) ?? inlinePassword(peer),
      );
      if (r.ok) {
        wanted.set(peer.name, r);
        this.refused.delete(peer.name);
        continue;
      }
      const why = r.reasons.join('; ');
      if (this.refused.get(peer.name) === why) continue;
      this.refused.set(peer.name, why);
      this.opts.log.warn(
        { event: 'bgp_peer_refused', peer: peer.name, reasons: r.reasons },
        `BGPPeer ${peer.name}: ${why}`,
      );
      this.opts.onPeerState?.(peer.name, 'refused', why);
    }
    for (const name of this.refused.keys())
      if (!plan.sessions.some((p) => p.name === name)) this.refused.delete(name);

    const { stop, start } = sessionChanges(
      new Map([...this.running].map(([name, r]) => [name, r.key])),
      new Map([...wanted].map(([name, r]) => [name, r.key])),
    );
    for (const name of stop) {
      const r = this.running.get(name);
      this.running.delete(name);
      void r?.session.stop(wanted.has(name) ? 'configuration changed' : 'peer removed');
    }
    for (const name of start) {
      const w = wanted.get(name);
      if (!w) continue;
      const s = w.settings;
      const session: BgpSession = new BgpSession(
        {
          local: s.local,
          peerAddress: s.peerAddress,
          peerPort: s.peerPort,
          ...(s.localAddress ? { localAddress: s.localAddress } : {}),
          ...(s.password !== undefined ? { password: s.password } : {}),
          restarting: this.opts.restarting ?? false,
          log: this.opts.log.child({ peer: name }),
          ...(this.opts.clock ? { clock: this.opts.clock } : {}),
        },
        {
          // A session this speaker has stopped or replaced is old news: what it says last (its own
          // stop) must not overwrite what the peer's state is now (Refused, or a new session's).
          onEstablished: (n) => current() && this.opts.onPeerState?.(name, 'established', agreedTerms(n)),
          onDown: (reason) => current() && this.opts.onPeerState?.(name, 'down', reason),
          // What was sent was sent, by an old session too.
          onSent: (type) => this.opts.onMessageSent?.(name, type),
        },
      );
      const current = (): boolean => this.running.get(name)?.session === session;
      this.running.set(name, {
        key: w.key,
        session,
        families: s.local.families,
        localAddress: s.localAddress,
        gracefulRestart: s.local.gracefulRestartS > 0,
        bfd: bfdSpec(name, s, this.opts.node),
      });
      this.opts.onPeerState?.(name, 'connecting', s.password === undefined ? '' : CONNECTING_SIGNED);
      session.start();
    }

    this.bfd.set([...this.running.values()].flatMap((r) => (r.bfd ? [r.bfd] : [])));
    for (const name of [...this.bfdStates.keys()])
      if (!this.running.get(name)?.bfd) {
        this.bfdStates.delete(name);
        this.opts.onBfdState?.(name, undefined);
      }

    for (const peer of plan.sessions) {
      const r = this.running.get(peer.name);
      if (!r) continue;
      const routes = new Map<string, Route>();
      for (const [key, intent] of plan.routes.get(peer.name) ?? []) {
        const family = intent.prefix.address.family;
        const from =
          r.localAddress && parseAddress(r.localAddress)?.family === family ? r.localAddress : undefined;
        const nextHop = parseAddress(from ?? this.opts.node[family] ?? '');
        // A family the session did not open, or one this node has no address in: no next hop to give.
        if (!r.families.includes(family) || !nextHop) continue;
        routes.set(key, wireRoute(intent, peer, nextHop));
      }
      r.session.setRoutes(routes, complete);
      given.set(peer.name, routes.size);
    }
    return given;
  }

  /**
   * Ends every session: with Cease (administrative shutdown), or, where graceful restart was
   * negotiable, by closing without one, so the peer keeps forwarding to this node while the speaker
   * restarts (a rolling upgrade) and takes the routes back from its End-of-RIB.
   */
  async stop(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await this.bfd.stop();
    await Promise.all(
      all.map((r) => (r.gracefulRestart ? r.session.abandon() : r.session.stop('speaker stopping'))),
    );
  }
}

/**
 * Linux drops TCP segments whose MD5 signature is missing or wrong without a word, so a password that
 * differs between the two sides looks exactly like a peer that does not answer.
 */
const CONNECTING_SIGNED =
  'connecting to the peer with a TCP MD5 password; if it lasts, check that both sides have the same password (the kernel drops a mismatch silently)';

/** The BFD session beside a BGP session: same peer, from the same local address. */
function bfdSpec(name: string, s: SessionSettings, node: NodeAddresses): BfdSessionSpec | undefined {
  const family = parseAddress(s.peerAddress)?.family;
  const local = s.localAddress ?? (family ? node[family] : undefined);
  if (!s.bfd || !local) return undefined;
  return { key: name, peer: s.peerAddress, local, config: s.bfd };
}

/** What a session agreed on, for its status: the peer's AS (dynamicASN learns it) and the timers. */
function agreedTerms(n: Negotiated): string {
  return `peer AS ${n.peerAsn}, hold time ${n.holdTimeS}s, keepalive ${n.keepaliveS}s`;
}
