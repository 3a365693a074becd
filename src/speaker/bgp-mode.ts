/**
 * The speaker's BGP mode, imperative shell (issue 17). It watches BGP mode's objects, and on each
 * election plans this node's sessions and routes from the same facts layer 2 uses (bgpInputs, planBgp)
 * and hands the plan to a BgpSpeaker. Session state goes out as a BGPSessionStatus per (peer, node),
 * Events on the BGPPeer and two gauges. With no BGPPeer, nothing is started: layer-2-only clusters pay
 * for five quiet watches and nothing else. Secrets are watched only once a BGPPeer names a passwordSecret.
 *
 * Its watches do not hold up the speaker's start or its readiness: a cluster whose BGP CRDs are not
 * installed yet keeps announcing by ARP/NDP, and the failing watch says why in the log.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { planBgp, waitingPeers } from '../bgp/bgp-plan.js';
import { BgpSpeaker, type PeerState } from '../bgp/bgp-speaker.js';
import { peerPassword } from '../bgp/peer-password.js';
import type { NodeAddresses } from '../bgp/session-settings.js';
import type { BgpMessage } from '../bgp/wire/messages.js';
import {
  API_VERSION,
  BFD_PROFILE,
  BGP_ADVERTISEMENT,
  BGP_PEER,
  BGP_SESSION_STATUS,
  type BgpSessionStatusStatus,
  COMMUNITY,
} from '../config/crd-types.js';
import { buildBgpConfig, type PoolConfig } from '../config/index.js';
import type { ElectionChecks, NodeView, ServiceView } from '../election/candidates.js';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import type { EventRecorder } from '../k8s/event-recorder.js';
import type { KubeApi } from '../k8s/kube-api.js';
import { deleteIfPresent, putOrCreate } from '../k8s/put-or-create.js';
import { type InformerHandlers, ResilientInformer } from '../k8s/resilient-informer.js';
import { trimCustom } from '../k8s/trim.js';
import { configErrorEvents } from './bgp-config-report.js';
import { bgpInputs } from './bgp-inputs.js';
import {
  restartedWithSessions,
  type SessionView,
  sessionStatusObject,
  sessionTransition,
  staleSessionStatuses,
} from './bgp-session-report.js';
import { PasswordSecrets } from './password-secrets.js';
import type { SpeakerMetrics } from './speaker-metrics.js';

type AnyObject = KubernetesObject & Record<string, unknown>;

/** Every BGP message type, to drop a removed peer's message counters. */
const MESSAGE_TYPES: readonly BgpMessage['type'][] = [
  'open',
  'update',
  'notification',
  'keepalive',
  'route-refresh',
];

/** What one election gives BGP mode: the same views layer 2's plan was made from. */
export interface BgpRound {
  readonly nodes: readonly NodeView[];
  readonly addresses: NodeAddresses;
  readonly ownFacts: NodeFacts;
  readonly services: readonly ServiceView[];
  readonly checks: ElectionChecks;
  readonly pools: ReadonlyMap<string, PoolConfig>;
}

export interface SpeakerBgpDeps {
  readonly api: KubeApi;
  readonly log: Logger;
  readonly metrics: SpeakerMetrics;
  readonly events: EventRecorder;
}

export class SpeakerBgp {
  private readonly peers: ResilientInformer<AnyObject>;
  private readonly ads: ResilientInformer<AnyObject>;
  private readonly bfdProfiles: ResilientInformer<AnyObject>;
  private readonly communities: ResilientInformer<AnyObject>;
  private readonly statuses: ResilientInformer<AnyObject>;
  private readonly secrets: PasswordSecrets;
  private speaker: BgpSpeaker | undefined;
  private readonly views = new Map<string, SessionView>();
  private readonly peerAddresses = new Map<string, string>();
  /** Peers whose status is being written, and whether another write is due after it. */
  private readonly writing = new Map<string, boolean>();
  private readonly deleting = new Set<string>();
  private routeLabels: ReadonlySet<string> = new Set();
  private lastErrors = '';
  /** The configuration errors already told as Events (configErrorEvents). */
  private toldErrors: ReadonlySet<string> = new Set();
  private stopping = false;

  constructor(
    private readonly o: { readonly node: string; readonly namespace: string },
    private readonly d: SpeakerBgpDeps,
    on: InformerHandlers<AnyObject>,
  ) {
    const ilog = d.log.child({ component: 'informer' });
    const watch = (plural: string, handlers: InformerHandlers<AnyObject>) =>
      new ResilientInformer<AnyObject>(d.api, this.collection(plural), handlers, ilog, { trim: trimCustom });
    this.peers = watch(BGP_PEER.plural, on);
    this.ads = watch(BGP_ADVERTISEMENT.plural, on);
    this.bfdProfiles = watch(BFD_PROFILE.plural, on);
    this.communities = watch(COMMUNITY.plural, on);
    this.statuses = watch(BGP_SESSION_STATUS.plural, {});
    // Any change may concern a peer's password: the same re-plan as a change of the BGP objects.
    this.secrets = new PasswordSecrets(d.api, o.namespace, ilog, () => on.onUpdate?.({}));
  }

  private collection(plural: string): string {
    return `/apis/${API_VERSION}/namespaces/${encodeURIComponent(this.o.namespace)}/${plural}`;
  }

  private informers(): ResilientInformer<AnyObject>[] {
    return [this.peers, this.ads, this.bfdProfiles, this.communities, this.statuses];
  }

  async start(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.start()));
  }

  /** Plans and applies this node's BGP side; a no-op until every watch has listed once. */
  update(r: BgpRound): void {
    if (this.stopping || this.informers().some((i) => i.listedAt() === undefined)) return;
    const config = buildBgpConfig(
      {
        peers: this.peers.items(),
        advertisements: this.ads.items(),
        bfdProfiles: this.bfdProfiles.items(),
        communities: this.communities.items(),
      },
      new Set(r.pools.keys()),
    );
    this.logErrors(config.errors);
    this.tellErrors(config.errors);
    // Layer-2-only clusters stop here, before anything costs per Service.
    if (config.peers.size === 0 && config.waiting.size === 0 && this.speaker === undefined) {
      // The last waiting peer is gone: so are the Refused statuses this node wrote for it.
      if (this.views.size > 0) this.deleteStale(new Set());
      return;
    }
    const inputs = bgpInputs(this.o.node, r.nodes, r.ownFacts, r.services, r.checks);
    // A peer waiting for its BFDProfile says so in its status on every node it picks.
    const waiting = waitingPeers(inputs.self, config);
    for (const w of waiting) {
      this.peerAddresses.set(w.peer.name, w.peer.peerAddress);
      this.onPeerState(w.peer.name, 'refused', w.reason);
    }
    const held = waiting.map((w) => w.peer.name);
    if (config.peers.size === 0 && this.speaker === undefined) {
      if (held.length > 0 || this.views.size > 0) this.deleteStale(new Set(held));
      return;
    }
    const secrets = this.secrets.view(config.peers.values());
    if (secrets.wait) return;
    this.speaker ??= this.startSpeaker(r.addresses);
    const plan = planBgp(inputs.self, config, r.pools, inputs.services);
    for (const p of plan.sessions) this.peerAddresses.set(p.name, p.peerAddress);
    // Warming up, the node does not yet know what it serves: End-of-RIB waits for its real table.
    const passwords = new Map(
      plan.sessions.map((p) => [p.name, peerPassword(p, secrets.secrets, this.o.namespace)]),
    );
    const given = this.speaker.apply(plan, r.ownFacts.warmingUp !== true, passwords);
    this.reportRoutes(given);
    this.deleteStale(new Set([...plan.sessions.map((p) => p.name), ...held]));
  }

  private startSpeaker(addresses: NodeAddresses): BgpSpeaker {
    const restarting = restartedWithSessions(this.statusFields(), this.o.node);
    this.d.log.info(
      { event: 'bgp_started', addresses, restarting },
      restarting ? 'BGP mode on, after a restart (graceful restart R bit set)' : 'BGP mode on',
    );
    return new BgpSpeaker({
      node: addresses,
      log: this.d.log.child({ component: 'bgp' }),
      restarting,
      onPeerState: (peer, state, reason) => this.onPeerState(peer, state, reason),
      onMessageSent: (peer, type) => this.d.metrics.bgpMessagesSent.inc({ peer, type }),
      onBfdState: (peer, state) =>
        state === undefined
          ? this.d.metrics.bfdSessionUp.remove({ peer })
          : this.d.metrics.bfdSessionUp.set({ peer }, state === 'Up' ? 1 : 0),
    });
  }

  private statusFields() {
    return this.statuses.items().map((s) => {
      const st = (s.status ?? {}) as BgpSessionStatusStatus;
      return { name: s.metadata?.name ?? '', node: st.node, peer: st.peer, state: st.state };
    });
  }

  /** A configuration error is logged once, when the set of errors changes (the plan runs every second). */
  private logErrors(errors: readonly { kind: string; name: string; path: string; message: string }[]): void {
    const key = JSON.stringify(errors);
    if (key === this.lastErrors) return;
    this.lastErrors = key;
    for (const e of errors)
      this.d.log.warn(
        { event: 'bgp_config_error', kind: e.kind, name: e.name, path: e.path },
        `${e.kind} ${e.name}: ${e.path}: ${e.message}`,
      );
  }

  /** Each new configuration error as a Warning Event on the object at fault. */
  private tellErrors(errors: Parameters<typeof configErrorEvents>[1]): void {
    const r = configErrorEvents(this.toldErrors, errors, this.o.node);
    this.toldErrors = r.seen;
    // Every plan passes here; most have nothing new to tell.
    if (r.events.length === 0) return;
    const informers: Record<string, ResilientInformer<AnyObject>> = {
      BGPPeer: this.peers,
      BGPAdvertisement: this.ads,
      BFDProfile: this.bfdProfiles,
      Community: this.communities,
    };
    for (const e of r.events)
      this.d.events.record(
        {
          kind: e.kind,
          apiVersion: API_VERSION,
          namespace: this.o.namespace,
          name: e.name,
          uid: informers[e.kind]?.get(e.name, this.o.namespace)?.metadata?.uid,
        },
        e.type,
        e.reason,
        e.message,
      );
  }

  private reportRoutes(given: ReadonlyMap<string, number>): void {
    for (const peer of this.routeLabels) if (!given.has(peer)) this.d.metrics.bgpRoutes.remove({ peer });
    for (const [peer, n] of given) this.d.metrics.bgpRoutes.set({ peer }, n);
    this.routeLabels = new Set(given.keys());
  }

  private onPeerState(peer: string, state: PeerState, reason: string): void {
    // While stopping, the statuses keep saying what they said: the next speaker on this node reads
    // "Established" as its cue to open with graceful restart's R bit.
    if (this.stopping) return;
    this.d.metrics.bgpSessionUp.set({ peer }, state === 'established' ? 1 : 0);
    const t = sessionTransition(this.views.get(peer), state, reason, this.o.node, new Date().toISOString());
    if (!t.changed) return;
    this.views.set(peer, t.next);
    if (t.event)
      this.d.events.record(
        {
          kind: BGP_PEER.kind,
          apiVersion: API_VERSION,
          namespace: this.o.namespace,
          name: peer,
          uid: this.peers.get(peer, this.o.namespace)?.metadata?.uid,
        },
        t.event.type,
        t.event.reason,
        t.event.message,
      );
    this.writeStatus(peer);
  }

  /** One write per peer at a time; a change during it is written after it, with the latest view. */
  private writeStatus(peer: string): void {
    if (this.writing.has(peer)) {
      this.writing.set(peer, true);
      return;
    }
    const view = this.views.get(peer);
    if (!view) return;
    this.writing.set(peer, false);
    this.d.metrics.apiWrites.inc({ kind: 'bgpsessionstatus' });
    const body = sessionStatusObject(
      this.o.namespace,
      peer,
      this.peerAddresses.get(peer) ?? '',
      this.o.node,
      view,
    );
    void putOrCreate(this.d.api, this.collection(BGP_SESSION_STATUS.plural), body)
      .catch((err: unknown) => this.d.log.warn({ err, peer }, 'could not write BGPSessionStatus'))
      .finally(() => {
        const again = this.writing.get(peer) === true;
        this.writing.delete(peer);
        if (again && !this.stopping) this.writeStatus(peer);
      });
  }

  private deleteStale(sessions: ReadonlySet<string>): void {
    for (const peer of [...this.views.keys()])
      if (!sessions.has(peer)) {
        this.views.delete(peer);
        this.peerAddresses.delete(peer);
        this.d.metrics.bgpSessionUp.remove({ peer });
        for (const type of MESSAGE_TYPES) this.d.metrics.bgpMessagesSent.remove({ peer, type });
      }
    for (const name of staleSessionStatuses(this.statusFields(), this.o.node, sessions)) {
      if (this.deleting.has(name)) continue;
      this.deleting.add(name);
      this.d.metrics.apiWrites.inc({ kind: 'bgpsessionstatus' });
      void deleteIfPresent(
        this.d.api,
        `${this.collection(BGP_SESSION_STATUS.plural)}/${encodeURIComponent(name)}`,
      )
        .catch((err: unknown) => this.d.log.warn({ err, name }, 'could not delete a stale BGPSessionStatus'))
        .finally(() => this.deleting.delete(name));
    }
  }

  /** Ends the sessions (see BgpSpeaker.stop: graceful restart leaves them without Cease) and the watches. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.speaker?.stop();
    await Promise.all([...this.informers().map((i) => i.stop()), this.secrets.stop()]);
  }
}
