import { buildConfig } from '../config/index.js';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import { heardAgain, observeLease, type PeerLease } from '../election/lease-liveness.js';
import { MembershipSim } from '../election/membership-sim.js';
import {
  type AnnounceEvent,
  type AnnouncementPlan,
  type PlanService,
  planAnnouncements,
} from './announcement-plan.js';
import { DEFAULT_ISOLATION_MS, DEFAULT_LEASE_RENEW_MS, leaseDurationSeconds } from './speaker-timing.js';

/**
 * A whole cluster of speakers' decisions in one process, for the plan's scenario tables: the real
 * Membership over a simulated network (membership-sim.ts), a model of the node Leases as each speaker
 * sees them through its watch, and planAnnouncements for every live node at every sample. Nothing here
 * decides: it only feeds the real pure pieces the way Speaker does.
 */

/** The CLI defaults. */
export const RENEW_MS = DEFAULT_LEASE_RENEW_MS;
export const LEASE_DURATION_MS = leaseDurationSeconds(RENEW_MS) * 1000;
export const ISOLATION_MS = DEFAULT_ISOLATION_MS;

const healthy: NodeFacts = { kubeProxyHealthy: true, localEndpoints: [], nodePortDown: [], leaving: false };

export const clusterConfig = buildConfig(
  [{ metadata: { name: 'lan' }, spec: { addresses: ['198.18.100.0/24'] } }],
  [{ metadata: { name: 'lan' }, spec: { ipAddressPools: ['lan'] } }],
);

/** Eight Cluster Services, one IP each, with endpoints everywhere: each node ranks first for some. */
export function clusterServices(nodes: readonly string[]): PlanService[] {
  return Array.from({ length: 8 }, (_, k) => ({
    key: `default/svc-${k}`,
    ips: [`198.18.100.${k + 1}`],
    pool: 'lan',
    local: false,
    endpointNodes: new Set(nodes),
    labels: {},
    healthCheckNodePort: undefined,
    nodePort: undefined,
  }));
}

interface SimSpeaker {
  startedAt: number;
  /** The last answer of the API server: a renewal or an API check (on the sim clock). */
  lastApiSuccess: number;
  /** Its own Lease: the last renewal the API server accepted. */
  lastLeaseWrite: number;
  /** When its last renewal was attempted, and the next is due (as NodeLease.renewBy keeps them). */
  lastAttempt: number;
  nextRenew: number;
  halfSince: number | undefined;
  leaseSeen: Map<string, PeerLease>;
  lastPeerHeard: number;
  announcing: ReadonlySet<string>;
  statusWritten: ReadonlyMap<string, number>;
  staleSince: ReadonlyMap<string, number>;
  previousOwners: ReadonlyMap<string, string>;
  eventsSent: ReadonlyMap<string, number>;
  leaving: boolean;
  warmingUp: boolean;
}

export class SpeakerClusterSim {
  readonly names: string[];
  readonly sim: MembershipSim;
  readonly services: PlanService[];
  private readonly speakers = new Map<string, SimSpeaker>();
  /** Lease renewals every node can see: node → renewTime (undefined holder = released). */
  private readonly leaseObjects = new Map<string, { renewTime: string; holder: string | undefined }>();
  apiUp = true;
  /** The API server answers nothing, but the watches look healthy (it hangs, or its link died silently). */
  apiFrozen = false;
  /** Nodes cut off from the API server alone; their watches look healthy (a connection died silently). */
  private readonly apiCutOff = new Set<string>();
  /** Reads and writes each speaker made to the API server, by kind. */
  readonly apiCalls = new Map<string, { renewals: number; checks: number }>();
  /** Every takeover Event any speaker recorded, with who and when. */
  readonly events: (AnnounceEvent & { node: string; at: number })[] = [];

  constructor(size: number, seed = 1) {
    this.names = Array.from({ length: size }, (_, k) => `n${k + 1}`);
    // A speaker starts warming up (see NodeProber): its facts say so until its plan stops withholding.
    this.sim = new MembershipSim({
      nodes: this.names,
      seed,
      delayMs: [0, 2],
      facts: () => ({ ...healthy, warmingUp: true }),
    });
    this.services = clusterServices(this.names);
    for (const n of this.names) this.speakers.set(n, this.newSpeaker(n));
  }

  get now(): number {
    return this.sim.now;
  }

  private newSpeaker(name: string): SimSpeaker {
    const now = this.sim.now;
    return {
      startedAt: now,
      lastApiSuccess: now,
      lastLeaseWrite: Number.NEGATIVE_INFINITY,
      lastAttempt: Number.NEGATIVE_INFINITY,
      // Spread the renewals as real nodes do.
      nextRenew: now + (this.names.indexOf(name) * RENEW_MS) / this.names.length,
      halfSince: undefined,
      leaseSeen: new Map(),
      lastPeerHeard: now,
      announcing: new Set(),
      statusWritten: new Map(),
      staleSince: new Map(),
      previousOwners: new Map(),
      eventsSent: new Map(),
      leaving: false,
      warmingUp: true,
    };
  }

  private paused(name: string): boolean {
    return (this.sim.nodes.get(name)?.pausedUntil ?? 0) > this.sim.now;
  }

  private up(name: string): boolean {
    return this.sim.nodes.get(name)?.up === true && this.speakers.has(name);
  }

  /** SIGKILL: no more heartbeats, no more renewals, no release. */
  kill(name: string): void {
    this.sim.kill(name);
    this.speakers.delete(name);
  }

  /** SIGTERM: publish "leaving" (peers elect successors), hand over, then stop and release the Lease. */
  leave(name: string): void {
    const s = this.speakers.get(name);
    if (!s) return;
    s.leaving = true;
    this.sim.publish(name, { ...healthy, leaving: true });
  }

  /** The end of a graceful stop: the speaker exits and releases its Lease. */
  exit(name: string): void {
    this.kill(name);
    if (this.apiUp) this.writeLease(name, undefined);
  }

  /** Starts (or restarts) a node's speaker with the given wall clock. */
  restart(name: string, wallNow: number): void {
    this.sim.start(name, wallNow);
    this.speakers.set(name, this.newSpeaker(name));
  }

  /** Heartbeats to and from the node are lost; it still reaches the API server. */
  cut(name: string): void {
    this.sim.cut(name);
  }

  /** The node's link goes down: no heartbeats and no API server, with its watches looking healthy. */
  linkDown(name: string): void {
    this.sim.cut(name);
    this.apiCutOff.add(name);
  }

  private reachesApi(name: string): boolean {
    return this.apiUp && !this.apiFrozen && !this.apiCutOff.has(name);
  }

  private calls(name: string): { renewals: number; checks: number } {
    const c = this.apiCalls.get(name) ?? { renewals: 0, checks: 0 };
    this.apiCalls.set(name, c);
    return c;
  }

  /** Runs the cluster for `ms`, renewing Leases and delivering them to every watcher. */
  advance(ms: number): void {
    const until = this.sim.now + ms;
    while (this.sim.now < until) {
      const step = Math.min(until, this.sim.now + 50);
      this.sim.runUntil(step);
      this.sim.now = step;
      for (const [name, s] of this.speakers) {
        if (!this.up(name) || this.paused(name) || this.sim.now < s.nextRenew) continue;
        s.lastAttempt = this.sim.now;
        s.nextRenew = this.sim.now + RENEW_MS;
        this.calls(name).renewals++;
        if (!this.reachesApi(name)) continue;
        s.lastApiSuccess = this.sim.now;
        s.lastLeaseWrite = this.sim.now;
        this.writeLease(name, name);
      }
      // Speakers elect on every event and at least every second; every 50 ms is close enough here.
      this.plans();
    }
  }

  private writeLease(node: string, holder: string | undefined): void {
    const obj = { renewTime: String(this.sim.now), holder };
    this.leaseObjects.set(node, obj);
    for (const [observer, s] of this.speakers) {
      if (observer === node || !this.up(observer) || !this.reachesApi(observer)) continue;
      const m = this.sim.membership(observer);
      const prev = s.leaseSeen.get(node);
      const next = observeLease(
        prev,
        { renewTime: obj.renewTime, holder, durationSeconds: LEASE_DURATION_MS / 1000 },
        m.isAlive(node, this.sim.now),
        this.sim.now,
      );
      s.leaseSeen.set(node, next);
    }
  }

  /** Every live node's plan now, and what each then announces (as Speaker.apply would). */
  plans(): Map<string, AnnouncementPlan> {
    const out = new Map<string, AnnouncementPlan>();
    const now = this.sim.now;
    for (const [name, s] of this.speakers) {
      // A leaving speaker is frozen (Speaker.stop) and a paused one runs nothing: both keep answering.
      if (!this.up(name) || s.leaving || this.paused(name)) continue;
      const m = this.sim.membership(name);
      const alive = m.alivePeers(now);
      for (const p of alive) {
        const l = s.leaseSeen.get(p);
        if (l) s.leaseSeen.set(p, heardAgain(l));
      }
      const facts = new Map<string, NodeFacts>();
      for (const p of alive) {
        const f = m.facts(p);
        if (f) facts.set(p, f);
      }
      const plan = planAnnouncements({
        self: name,
        now,
        nodes: this.names.map((n) => ({ name: n, labels: {}, excluded: undefined })),
        membership: { alive, heard: m.heardPeers(now), facts, nextExpiry: m.nextExpiry(now) },
        ownFacts: { ...healthy, leaving: s.leaving, warmingUp: s.warmingUp },
        leases: s.leaseSeen,
        api: {
          leasesWatchHealthy: this.apiUp,
          lastApiSuccess: s.lastApiSuccess,
          lastLeaseWrite: s.lastLeaseWrite,
          leaseRenewMs: RENEW_MS,
          servicesWatchHealthy: this.apiUp,
          statusesWatchHealthy: this.apiUp,
        },
        config: clusterConfig,
        services: this.services,
        checks: { kubeProxy: true, healthCheckNodePort: true, nodePort: false },
        warmUntil: s.startedAt + this.sim.timing.deadAfterMs,
        deadAfterMs: this.sim.timing.deadAfterMs,
        halfSince: s.halfSince,
        isolationMs: ISOLATION_MS,
        lastPeerHeard: s.lastPeerHeard,
        announcing: s.announcing,
        defaultInterfaces: ['eth0'],
        statuses: [],
        statusWritten: s.statusWritten,
        staleSince: s.staleSince,
        previousOwners: s.previousOwners,
        eventsSent: s.eventsSent,
      });
      s.announcing = new Set(plan.owned.keys());
      s.lastPeerHeard = plan.lastPeerHeard;
      s.halfSince = plan.halfSince;
      // As NodeLease.renewBy and checkApi: an early renewal once per due time, a read answered at once.
      if (plan.leaseRenewAt !== undefined && plan.leaseRenewAt > s.lastAttempt)
        s.nextRenew = Math.min(s.nextRenew, plan.leaseRenewAt);
      if (plan.apiCheckAt !== undefined && plan.apiCheckAt <= now) {
        this.calls(name).checks++;
        if (this.reachesApi(name)) s.lastApiSuccess = now;
      }
      s.statusWritten = plan.statusWritten;
      s.staleSince = plan.staleSince;
      s.previousOwners = plan.owners;
      s.eventsSent = plan.eventsSent;
      this.events.push(...plan.events.map((e) => ({ node: name, at: now, ...e })));
      // As Speaker.apply: announce first, then tell peers this node is ready.
      if (plan.withheld !== 'warming-up' && s.warmingUp) {
        s.warmingUp = false;
        this.sim.publish(name, healthy);
      }
      out.set(name, plan);
    }
    return out;
  }

  /** IP → the live nodes announcing it now (what each last planned). */
  owners(): Map<string, string[]> {
    const out = new Map<string, string[]>(this.services.flatMap((svc) => svc.ips.map((ip) => [ip, []])));
    for (const [node, s] of this.speakers)
      if (this.up(node)) for (const ip of s.announcing) out.get(ip)?.push(node);
    return out;
  }
}

/** What a sampled window saw, summed over IPs and 50 ms samples. */
export interface Watch {
  /** Samples in which an IP had no announcer. */
  unanswered: number;
  /** Samples in which an IP had two or more. */
  doubled: number;
  /** Changes of an IP's announcers between samples. */
  moves: number;
  /** How long after the window began an IP was last without an announcer (0 if never). */
  lastUnansweredMs: number;
  owners: Map<string, string[]>;
}

/** Advances `ms` in 50 ms samples, counting per sample and IP what clients would suffer. */
export function watch(c: SpeakerClusterSim, ms: number): Watch {
  const start = c.now;
  let last = c.owners();
  const w: Watch = { unanswered: 0, doubled: 0, moves: 0, lastUnansweredMs: 0, owners: last };
  while (c.now < start + ms) {
    c.advance(50);
    const now = c.owners();
    for (const [ip, who] of now) {
      if (who.length === 0) {
        w.unanswered++;
        w.lastUnansweredMs = c.now - start;
      }
      if (who.length > 1) w.doubled++;
      if (who.join() !== (last.get(ip) ?? []).join()) w.moves++;
    }
    last = now;
  }
  w.owners = last;
  return w;
}

/** Every IP announced by exactly one node, and that node among `allowed`. */
export function servedOnceBy(
  owners: ReadonlyMap<string, readonly string[]>,
  allowed: readonly string[],
): boolean {
  return [...owners.values()].every((who) => who.length === 1 && allowed.includes(who[0] ?? ''));
}
