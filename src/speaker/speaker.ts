import type { KubernetesObject, V1EndpointSlice, V1Lease, V1Node, V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { API_VERSION, IP_ADDRESS_POOL, L2_ADVERTISEMENT, SERVICE_L2_STATUS } from '../config/crd-types.js';
import { buildConfig } from '../config/index.js';
import { isOurs, POOL_ANNOTATION, serviceKey, statusIps } from '../controller/service-class.js';
import type { ElectionChecks } from '../election/candidates.js';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import { heardAgain, observeLease, type PeerLease } from '../election/lease-liveness.js';
import { DEFAULT_MEMBERSHIP_TIMING, Membership } from '../election/membership.js';
import { nodeExclusion } from '../election/node-eligibility.js';
import type { AnnounceGate } from '../election/quorum.js';
import { NodeProber, type ProberOptions } from '../health/node-prober.js';
import type { EventRecorder } from '../k8s/event-recorder.js';
import type { KubeApi } from '../k8s/kube-api.js';
import type { LeaseClient } from '../k8s/lease-client.js';
import { ResilientInformer } from '../k8s/resilient-informer.js';
import { trimCustom, trimEndpointSlice, trimLease, trimNode, trimService } from '../k8s/trim.js';
import type { FrameConnection } from '../layer2/frame-socket.js';
import {
  type AnnouncementPlan,
  announceEventMessage,
  type PlanInput,
  type PlanService,
  planAnnouncements,
  type StatusWrite,
  type Withheld,
} from './announcement-plan.js';
import {
  type AnnouncedLabels,
  announcedSeries,
  announcementLines,
  seriesChanges,
} from './announcement-report.js';
import { Announcer, type Interfaces } from './announcer.js';
import { nodeAddresses } from './bgp-inputs.js';
import { SpeakerBgp } from './bgp-mode.js';
import { electDelayMs } from './elect-pacing.js';
import { HeartbeatTransport, peerAddress } from './heartbeat-transport.js';
import { l2StatusObjects } from './l2-status-gc.js';
import { L2StatusWriter } from './l2-status-writer.js';
import { systemMembershipClock } from './monotonic-clock.js';
import { NodeLease } from './node-lease.js';
import type { SpeakerMetrics } from './speaker-metrics.js';
import { leaseDurationSeconds } from './speaker-timing.js';

export interface SpeakerOptions {
  readonly node: string;
  readonly namespace: string;
  readonly lbClass: string;
  readonly heartbeatKey: Uint8Array;
  readonly heartbeatPort: number;
  readonly heartbeatIntervalMs: number;
  readonly deadAfterMs: number;
  /** With no peer heard and no API reached for this long, stop announcing: this node is cut off. */
  readonly isolationMs: number;
  /** On SIGTERM, keep answering this long after announcing the departure, so the successor is in place. */
  readonly handoverMs: number;
  readonly leaseRenewMs: number;
  readonly checks: ElectionChecks;
  readonly prober: Omit<ProberOptions, 'nodeAddress'>;
}

export interface SpeakerDeps {
  readonly api: KubeApi;
  readonly log: Logger;
  readonly metrics: SpeakerMetrics;
  readonly events: EventRecorder;
  readonly leases: LeaseClient;
  readonly openFrames: (ifname: string) => FrameConnection;
  /** The interfaces to announce on, rescanned on every election (links come and go). */
  readonly interfaces: () => Interfaces;
}

type AnyObject = KubernetesObject & Record<string, unknown>;

/**
 * The speaker: decides which IPs this node owns and answers for them. Inputs are the API objects
 * (cached: an API outage leaves the last view in place), the peers' heartbeats (liveness and probe
 * facts) and this node's own probes. Any change triggers an election, a pure function of those
 * inputs, so all speakers agree; the announcer applies the outcome.
 */
export class Speaker {
  private readonly membership: Membership;
  private readonly transport: HeartbeatTransport;
  private readonly prober: NodeProber;
  private readonly lease: NodeLease;
  private readonly announcer: Announcer;
  private readonly l2status: L2StatusWriter;
  private readonly services: ResilientInformer<V1Service>;
  private readonly slices: ResilientInformer<V1EndpointSlice>;
  private readonly nodes: ResilientInformer<V1Node>;
  private readonly pools: ResilientInformer<AnyObject>;
  private readonly ads: ResilientInformer<AnyObject>;
  private readonly leases: ResilientInformer<V1Lease>;
  private readonly l2statuses: ResilientInformer<AnyObject>;
  /** BGP mode: its own watches and sessions, planned from this election's views. */
  private readonly bgp: SpeakerBgp;
  /** What we know of each peer's Lease, judged on our own monotonic clock (no clock sync needed). */
  private readonly leaseSeen = new Map<string, PeerLease>();
  /** The last gate decision, to log changes rather than every election. */
  private lastGate: AnnounceGate | undefined;
  private electScheduled = false;
  /** Monotonic time of the last election, and the timer of an object change waiting for the next. */
  private lastElectAt = Number.NEGATIVE_INFINITY;
  private lastElectCostMs = 0;
  private pacedTimer: NodeJS.Timeout | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  private safetyTimer: NodeJS.Timeout | undefined;
  private frozen = false;
  private warmUntil = 0;
  /** When each stale ServiceL2Status was first seen so (or last deleted); see l2StatusesToDelete. */
  private staleSince: ReadonlyMap<string, number> = new Map();
  /** Last time we (re)wrote each Service's ServiceL2Status, to rate-limit repairs. */
  private statusWritten: ReadonlyMap<string, number> = new Map();
  /** The IPs the announcer answers for, as the last plan said. */
  private announcing: ReadonlySet<string> = new Set();
  private lastWithheld: Withheld | undefined;
  private previousOwners: ReadonlyMap<string, string> = new Map();
  private eventsSent: ReadonlyMap<string, number> = new Map();
  /** The (service, ip) label pairs of barelb_speaker_announced set now, to remove the ones that go. */
  private announcedLabels: ReadonlyMap<string, AnnouncedLabels> = new Map();
  private stopped = false;
  /**
   * Set once start() has every input in place. Informer events arrive while it is still syncing; a
   * plan made then sees no peers, no probe results and no warm-up, and would tell the peers this node
   * is warmed up before it announces anything (a restart left its IPs unanswered for a warm-up).
   */
  private started = false;
  private lastPeerHeard = 0;
  private halfSince: number | undefined;

  constructor(
    private readonly o: SpeakerOptions,
    private readonly d: SpeakerDeps,
  ) {
    const log = d.log;
    this.membership = new Membership(
      o.node,
      { ...DEFAULT_MEMBERSHIP_TIMING, intervalMs: o.heartbeatIntervalMs, deadAfterMs: o.deadAfterMs },
      systemMembershipClock.wall(),
    );
    this.transport = new HeartbeatTransport(
      { node: o.node, key: o.heartbeatKey, port: o.heartbeatPort, bindAddress: undefined },
      this.membership,
      () => this.requestElect(),
      {
        rejected: d.metrics.heartbeatsRejected,
        sendFailures: d.metrics.heartbeatSendFailures,
        healthScore: d.metrics.healthScore,
      },
      log.child({ component: 'heartbeat' }),
    );
    this.prober = new NodeProber(
      { ...o.prober, nodeAddress: '127.0.0.1' },
      (facts) => this.onFacts(facts),
      log.child({ component: 'prober' }),
    );
    this.lease = new NodeLease(
      d.leases,
      {
        namespace: o.namespace,
        node: o.node,
        renewMs: o.leaseRenewMs,
        durationSeconds: leaseDurationSeconds(o.leaseRenewMs),
      },
      log.child({ component: 'lease' }),
      () => d.metrics.apiWrites.inc({ kind: 'lease' }),
    );
    this.announcer = new Announcer(d.openFrames, d.metrics, log.child({ component: 'announcer' }), (c) => {
      d.events.record(
        { kind: 'Node', apiVersion: 'v1', namespace: 'default', name: o.node },
        'Warning',
        'IPConflict',
        `${c.mac} on ${c.iface} also claims ${c.ip}, which this node announces (${c.kind}); not fighting it`,
      );
    });
    this.l2status = new L2StatusWriter(d.api, o.namespace);

    const ilog = log.child({ component: 'informer' });
    const on = {
      onAdd: () => this.requestElectPaced(),
      onUpdate: () => this.requestElectPaced(),
      onDelete: () => this.requestElectPaced(),
    };
    this.services = new ResilientInformer<V1Service>(d.api, '/api/v1/services', on, ilog, {
      trim: trimService,
    });
    this.slices = new ResilientInformer<V1EndpointSlice>(
      d.api,
      '/apis/discovery.k8s.io/v1/endpointslices',
      on,
      ilog,
      { trim: trimEndpointSlice },
    );
    this.nodes = new ResilientInformer<V1Node>(d.api, '/api/v1/nodes', on, ilog, { trim: trimNode });
    const path = (plural: string) => `/apis/${API_VERSION}/namespaces/${o.namespace}/${plural}`;
    this.pools = new ResilientInformer<AnyObject>(d.api, path(IP_ADDRESS_POOL.plural), on, ilog, {
      trim: trimCustom,
    });
    this.ads = new ResilientInformer<AnyObject>(d.api, path(L2_ADVERTISEMENT.plural), on, ilog, {
      trim: trimCustom,
    });
    this.l2statuses = new ResilientInformer<AnyObject>(d.api, path(SERVICE_L2_STATUS.plural), {}, ilog, {
      trim: trimCustom,
    });
    this.bgp = new SpeakerBgp(
      { node: o.node, namespace: o.namespace },
      { api: d.api, log: log.child({ component: 'bgp' }), metrics: d.metrics, events: d.events },
      on,
    );
    const onLease = (l: V1Lease) => this.observeLease(l);
    this.leases = new ResilientInformer<V1Lease>(
      d.api,
      `/apis/coordination.k8s.io/v1/namespaces/${o.namespace}/leases`,
      { onAdd: onLease, onUpdate: onLease },
      ilog,
      { trim: trimLease },
    );
  }

  private observeLease(l: V1Lease): void {
    const name = l.metadata?.name ?? '';
    if (!name.startsWith('barelb-speaker-')) return;
    const node = name.slice('barelb-speaker-'.length);
    if (node === this.o.node) return;
    const prev = this.leaseSeen.get(node);
    const next = observeLease(
      prev,
      {
        renewTime: String(l.spec?.renewTime ?? ''),
        holder: l.spec?.holderIdentity ?? undefined,
        durationSeconds: l.spec?.leaseDurationSeconds,
      },
      this.membership.isAlive(node, systemMembershipClock.now()),
      systemMembershipClock.now(),
    );
    if (next === prev) return;
    this.leaseSeen.set(node, next);
    // A release or a proof of a partition can change who may announce: act now, not at the next tick.
    if (next.released !== prev?.released || next.renewedUnheard) this.requestElect();
  }

  private informers() {
    return [
      this.services,
      this.slices,
      this.nodes,
      this.pools,
      this.ads,
      this.leases,
      this.l2statuses,
    ] as ResilientInformer<KubernetesObject>[];
  }

  async start(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.start()));
    await Promise.all(this.informers().map((i) => i.synced()));
    // Only the watches' start is waited for, not their first list: layer 2 must not depend on BGP
    // mode's CRDs being installed.
    await this.bgp.start();
    this.updatePeers();
    this.lastPeerHeard = systemMembershipClock.now();
    // Warm-up: a speaker that just started has heard nobody yet and would claim every IP for an
    // instant. It stays quiet until a peer could have been heard (unless it is the only node).
    this.warmUntil = systemMembershipClock.now() + this.o.deadAfterMs;
    await this.transport.start();
    await this.prober.start();
    this.transport.publish(this.prober.current());
    this.lease.setFacts(this.prober.current());
    this.lease.start();
    // A safety net: re-elect every second even if no event arrived (a missed watch event, a clock jump).
    const safety = () => {
      this.requestElect();
      this.safetyTimer = setTimeout(safety, 1_000);
    };
    this.started = true;
    safety();
  }

  ready(): { ok: true } | { ok: false; reason: string } {
    const down = this.informers().filter((i) => !i.isHealthy()).length;
    // Readiness reflects the API view; the data path keeps working without it, by design.
    return down === 0 ? { ok: true } : { ok: false, reason: `${down} watches down` };
  }

  private onFacts(facts: NodeFacts): void {
    this.transport.publish(facts);
    this.lease.setFacts(facts);
    this.requestElect();
  }

  private updatePeers(): void {
    this.transport.setPeers(
      this.nodes.items().map((n) => ({
        name: n.metadata?.name ?? '',
        address: n.metadata?.name === this.o.node ? undefined : peerAddress(n.status?.addresses ?? []),
      })),
    );
  }

  /** Coalesces bursts of events into one election on the next turn of the event loop. */
  requestElect(): void {
    if (this.electScheduled || this.stopped) return;
    this.electScheduled = true;
    setImmediate(() => {
      this.electScheduled = false;
      this.elect();
    });
  }

  /** An object changed: elect at once if none ran lately, else once the pacing interval is over. */
  private requestElectPaced(): void {
    if (this.stopped || this.electScheduled || this.pacedTimer) return;
    const delay = electDelayMs(systemMembershipClock.now(), this.lastElectAt, this.lastElectCostMs);
    if (delay === 0) {
      this.requestElect();
      return;
    }
    this.pacedTimer = setTimeout(() => {
      this.pacedTimer = undefined;
      this.requestElect();
    }, delay);
    this.pacedTimer.unref();
  }

  private elect(): void {
    if (this.stopped || this.frozen || !this.started) return;
    // One monotonic clock for every timeout: an NTP step must not make peers look dead.
    const now = systemMembershipClock.now();
    this.lastElectAt = now;
    // This election sees every change so far, paced ones included.
    if (this.pacedTimer) clearTimeout(this.pacedTimer);
    this.pacedTimer = undefined;
    this.d.metrics.elections.inc();
    this.updatePeers();
    const alive = this.membership.alivePeers(now);
    for (const p of alive) {
      const l = this.leaseSeen.get(p);
      if (l) this.leaseSeen.set(p, heardAgain(l));
    }
    // One scan of the links per election: the plan and the announcer see the same interfaces.
    const ifaces = this.d.interfaces();
    const input = this.planInput(now, alive, ifaces);
    this.d.metrics.peersAlive.set(input.membership.heard.length);
    this.apply(planAnnouncements(input), now, ifaces);
    const self = this.nodes.items().find((n) => n.metadata?.name === this.o.node);
    this.bgp.update({
      nodes: input.nodes,
      addresses: nodeAddresses(self?.status?.addresses ?? []),
      ownFacts: input.ownFacts,
      services: input.services,
      checks: input.checks,
      pools: input.config.pools,
    });
    this.lastElectCostMs = systemMembershipClock.now() - now;
  }

  /** Gathers what the plan decides from: caches, membership, Leases and this node's probes, at one instant. */
  private planInput(now: number, alive: readonly string[], ifaces: Interfaces): PlanInput {
    const facts = new Map<string, NodeFacts>();
    for (const p of alive) {
      const f = this.membership.facts(p);
      if (f) facts.set(p, f);
    }
    return {
      self: this.o.node,
      now,
      nodes: this.nodes.items().map((n) => ({
        name: n.metadata?.name ?? '',
        labels: n.metadata?.labels ?? {},
        excluded: nodeExclusion(n),
      })),
      membership: {
        alive,
        heard: this.membership.heardPeers(now),
        facts,
        nextExpiry: this.membership.nextExpiry(now),
      },
      ownFacts: this.prober.current(),
      leases: this.leaseSeen,
      api: {
        leasesWatchHealthy: this.leases.isHealthy(),
        lastApiSuccess: this.lease.lastSuccess,
        lastLeaseWrite: this.lease.lastWrite,
        leaseRenewMs: this.o.leaseRenewMs,
        servicesWatchHealthy: this.services.isHealthy(),
        statusesWatchHealthy: this.l2statuses.isHealthy(),
      },
      config: buildConfig(this.pools.items(), this.ads.items()),
      services: this.serviceViews(),
      checks: this.o.checks,
      warmUntil: this.warmUntil,
      deadAfterMs: this.o.deadAfterMs,
      halfSince: this.halfSince,
      isolationMs: this.o.isolationMs,
      lastPeerHeard: this.lastPeerHeard,
      announcing: this.announcing,
      defaultInterfaces: ifaces.defaults.map((i) => i.name),
      statuses: l2StatusObjects(this.l2statuses.items()),
      statusWritten: this.statusWritten,
      staleSince: this.staleSince,
      previousOwners: this.previousOwners,
      eventsSent: this.eventsSent,
    };
  }

  /** Applies a plan: the announcer, the prober's targets, status writes and deletes, the next look. */
  private apply(plan: AnnouncementPlan, now: number, ifaces: Interfaces): void {
    this.lastPeerHeard = plan.lastPeerHeard;
    this.halfSince = plan.halfSince;
    this.statusWritten = plan.statusWritten;
    this.staleSince = plan.staleSince;
    this.previousOwners = plan.owners;
    this.eventsSent = plan.eventsSent;
    this.report(plan);
    this.logGate(plan);
    this.prober.setTargets(plan.probeTargets);
    this.announcer.update(plan.owned, ifaces);
    this.announcing = new Set(plan.owned.keys());
    // Announce first, then tell peers: they let go of this node's IPs only once it answers for them.
    if (plan.withheld !== 'warming-up' && this.prober.current().warmingUp === true) this.prober.setWarmedUp();
    for (const w of plan.statusWrites) this.writeStatus(w);
    for (const name of plan.statusDeletes) {
      this.d.metrics.apiWrites.inc({ kind: 'servicel2status' });
      void this.l2status
        .removeByName(name)
        .catch((err: unknown) => this.d.log.warn({ err, name }, 'could not delete a stale ServiceL2Status'));
    }
    if (plan.leaseRenewAt !== undefined) this.lease.renewBy(plan.leaseRenewAt);
    // An answer may end an isolation: plan again at once rather than at the next look.
    if (plan.apiCheckAt !== undefined && plan.apiCheckAt <= now)
      void this.lease.checkApi().then((answered) => answered && this.requestElect());
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    if (plan.recheckAt !== undefined)
      this.recheckTimer = setTimeout(() => this.requestElect(), Math.max(0, plan.recheckAt - now) + 1);
  }

  /**
   * Says who announces what: a log line naming the Services of every IP gained or given up, an Event
   * on each Service taken over (rate-limited in the plan), and the per-Service announced gauge.
   */
  private report(plan: AnnouncementPlan): void {
    for (const line of announcementLines(plan, this.announcing)) this.d.log.info(line.fields, line.msg);
    for (const e of plan.events) {
      const [namespace = '', name = ''] = e.serviceKey.split('/');
      this.d.events.record(
        {
          kind: 'Service',
          apiVersion: 'v1',
          namespace,
          name,
          uid: this.services.get(name, namespace)?.metadata?.uid,
        },
        'Normal',
        'NodeAssigned',
        announceEventMessage(e, this.o.node),
      );
    }
    const next = announcedSeries(plan, this.o.node);
    const changes = seriesChanges(this.announcedLabels, next);
    for (const labels of changes.remove) this.d.metrics.announced.remove({ ...labels });
    for (const labels of changes.set) this.d.metrics.announced.set({ ...labels }, 1);
    this.announcedLabels = next;
  }

  /** Logs changes of the gate and of a withholding, not every election. */
  private logGate(plan: AnnouncementPlan): void {
    if (plan.gate.gate !== this.lastGate) {
      this.d.log.info({ event: 'announce_gate', gate: plan.gate.gate }, 'announce gate changed');
      this.lastGate = plan.gate.gate;
    }
    if (plan.withheld !== this.lastWithheld) {
      const ips = [...plan.decisions.values()].filter((d) => d.reason.why === plan.withheld).map((d) => d.ip);
      if (plan.withheld === 'isolated')
        this.d.log.warn({ event: 'isolated', ips }, 'no peer and no API server: stop announcing');
      else if (plan.withheld === 'minority')
        this.d.log.warn(
          { event: 'minority', gate: plan.gate.gate, ips },
          'cut off from live peers by a heartbeat partition: stop announcing',
        );
      else if (this.lastWithheld === 'isolated' || this.lastWithheld === 'minority')
        this.d.log.info({ event: 'rejoined' }, 'announcing again');
      this.lastWithheld = plan.withheld;
    }
  }

  private serviceViews(): PlanService[] {
    const endpointNodes = new Map<string, Set<string>>();
    for (const s of this.slices.items()) {
      const svcName = s.metadata?.labels?.['kubernetes.io/service-name'];
      if (!svcName) continue;
      const key = `${s.metadata?.namespace}/${svcName}`;
      const set = endpointNodes.get(key) ?? new Set<string>();
      for (const e of s.endpoints ?? []) {
        const serving = e.conditions?.serving ?? e.conditions?.ready ?? true;
        if (serving && e.conditions?.terminating !== true && e.nodeName) set.add(e.nodeName);
      }
      endpointNodes.set(key, set);
    }
    return this.services
      .items()
      .filter((s) => isOurs(s, this.o.lbClass) && statusIps(s).length > 0)
      .map((s) => ({
        key: serviceKey(s),
        ips: statusIps(s),
        pool: s.metadata?.annotations?.[POOL_ANNOTATION],
        local: s.spec?.externalTrafficPolicy === 'Local',
        endpointNodes: endpointNodes.get(serviceKey(s)) ?? new Set<string>(),
        // trimService keeps the labels: L2Advertisements' serviceSelectors match them.
        labels: s.metadata?.labels ?? {},
        healthCheckNodePort: s.spec?.healthCheckNodePort,
        nodePort: s.spec?.ports?.[0]?.nodePort,
      }));
  }

  private writeStatus(w: StatusWrite): void {
    const [ns = '', name = ''] = w.serviceKey.split('/');
    this.d.metrics.apiWrites.inc({ kind: 'servicel2status' });
    void this.l2status
      .write({
        serviceNamespace: ns,
        serviceName: name,
        node: this.o.node,
        interfaces: [...w.interfaces],
        ips: [...w.ips],
        lastTakeoverTime: w.lastTakeoverTime === 'now' ? new Date().toISOString() : w.lastTakeoverTime,
      })
      .catch((err: unknown) =>
        this.d.log.warn({ err, service: w.serviceKey }, 'could not write ServiceL2Status'),
      );
  }

  /**
   * Graceful stop: tell peers we are leaving (they elect successors, which announce at once), keep
   * answering for the hand-over time so nothing is left unanswered, then stop and release the
   * Lease, so peers count this node gone at once instead of after the Lease duration.
   */
  async stop(): Promise<void> {
    this.prober.setLeaving();
    this.frozen = true;
    await new Promise((r) => setTimeout(r, this.o.handoverMs));
    this.stopped = true;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    if (this.safetyTimer) clearTimeout(this.safetyTimer);
    this.announcer.close();
    await this.bgp.stop();
    this.prober.stop();
    this.transport.stop();
    await this.lease.stop({ release: true });
    await Promise.all(this.informers().map((i) => i.stop()));
  }
}
