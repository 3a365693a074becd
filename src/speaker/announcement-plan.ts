import type { Config } from '../config/index.js';
import {
  type ElectionChecks,
  electOwners,
  type IpOwnership,
  type NodeView,
  type ServiceView,
} from '../election/candidates.js';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import { type LeaseView, leaseView, type PeerLease } from '../election/lease-liveness.js';
import { type GateDecision, mayAnnounce } from '../election/quorum.js';
import type { AllowedInterfaces } from '../layer2/responder.js';
import { apiCheckAt, apiCheckEveryMs, exactHalfSince, leaseRenewAt } from './api-contact.js';
import { type L2StatusObject, l2StatusesToDelete } from './l2-status-gc.js';
import { warmingUp } from './warm-up.js';

/**
 * The speaker's whole decision as one pure function (DESIGN §3, "every decision is a pure function";
 * issue 12): from a snapshot of what this speaker knows, on one monotonic clock, which IPs it
 * announces and why, which ServiceL2Status objects it writes or deletes, what its prober checks, and
 * when it must look again. `Speaker` only gathers the snapshot and applies the plan, so every rule
 * here (warm-up, isolation, the minority gate, status repair, garbage collection) has table tests
 * for one to five nodes without sockets, timers or an API server.
 */

/** A Service as the plan sees it: the election's view plus the ports the prober checks. */
export interface PlanService extends ServiceView {
  readonly healthCheckNodePort: number | undefined;
  readonly nodePort: number | undefined;
}

/** What the heartbeats say, read from Membership at one instant. */
export interface MembershipSnapshot {
  /** Peers alive by heartbeat: not judged dead (a peer is alive until accused). */
  readonly alive: readonly string[];
  /** Peers heard directly within the dead-after: this node's own evidence that it is not cut off. */
  readonly heard: readonly string[];
  /** The probe facts each peer published, as far as they arrived. */
  readonly facts: ReadonlyMap<string, NodeFacts>;
  /** When liveness next changes without a message (a suspicion running out), if ever. */
  readonly nextExpiry: number | undefined;
}

/** What this node's own API traffic says: whether its view of the peers' Leases is current. */
export interface ApiView {
  /** The Lease watch is up (a broken watch freezes the view). */
  readonly leasesWatchHealthy: boolean;
  /**
   * The last time the API server answered this node: a renewal of its Lease, or a read asked for by
   * `apiCheckAt` while no peer is heard. Proof that the node is not cut off from the control plane.
   */
  readonly lastApiSuccess: number;
  /** When the API server last accepted a write of this node's Lease (-Infinity: never). */
  readonly lastLeaseWrite: number;
  readonly leaseRenewMs: number;
  /** Deleting stale statuses needs both watches current: a stale cache must not delete a live status. */
  readonly servicesWatchHealthy: boolean;
  readonly statusesWatchHealthy: boolean;
}

export interface PlanInput {
  readonly self: string;
  /** Monotonic milliseconds; no input here is on the wall clock. */
  readonly now: number;
  readonly nodes: readonly NodeView[];
  readonly membership: MembershipSnapshot;
  readonly ownFacts: NodeFacts;
  /** What this node saw of its peers' Leases (see lease-liveness.ts). */
  readonly leases: ReadonlyMap<string, PeerLease>;
  readonly api: ApiView;
  readonly config: Config;
  readonly services: readonly PlanService[];
  readonly checks: ElectionChecks;
  /** The end of the start-up warm-up (one dead-after after start). */
  readonly warmUntil: number;
  /** A peer unheard this long is judged dead (--dead-after-ms). */
  readonly deadAfterMs: number;
  /** Since when this node's side has been exactly half (the previous plan's `halfSince`). */
  readonly halfSince: number | undefined;
  /** With no peer heard and no API answer for this long, this node is cut off. */
  readonly isolationMs: number;
  /** The last time a peer was heard (the previous plan's `lastPeerHeard`, or the start time). */
  readonly lastPeerHeard: number;
  /** The IPs announced before this plan: an IP not among them is a takeover. */
  readonly announcing: ReadonlySet<string>;
  /** What 'any' interface means, for the interfaces a status names. */
  readonly defaultInterfaces: readonly string[];
  readonly statuses: readonly L2StatusObject[];
  /** Carried from the previous plan. */
  readonly statusWritten: ReadonlyMap<string, number>;
  readonly staleSince: ReadonlyMap<string, number>;
  /** Who owned each IP in this node's previous plan (`owners` of that plan), to say why one moved. */
  readonly previousOwners: ReadonlyMap<string, string>;
  /** When an Event was last recorded on each Service for each reason (`eventRateKey`), to rate-limit them. */
  readonly eventsSent: ReadonlyMap<string, number>;
}

/** Why this node does or does not announce an IP it ranks for. */
export type IpReason =
  /** First live candidate in the ranking: announce. */
  | { readonly announce: true; readonly why: 'elected' }
  /** Another node ranks first. */
  | { readonly announce: false; readonly why: 'other-owner'; readonly owner: string }
  /** No node can announce it (no advertisement, no healthy node, no endpoints for Local). */
  | { readonly announce: false; readonly why: 'no-candidate' }
  /** Elected, but withheld: the node is starting, cut off, or on the losing side of a partition. */
  | { readonly announce: false; readonly why: Withheld };

export type Withheld = 'warming-up' | 'isolated' | 'minority';

export interface IpDecision {
  readonly ip: string;
  readonly services: readonly string[];
  readonly ranking: readonly string[];
  readonly reason: IpReason;
}

/** A ServiceL2Status write: this node announces the Service's IPs on these interfaces. */
export interface StatusWrite {
  readonly serviceKey: string;
  readonly ips: readonly string[];
  readonly interfaces: readonly string[];
  /** 'now' at a takeover (or when the object has none), else the time the object carries. */
  readonly lastTakeoverTime: 'now' | string;
}

/**
 * Why this node took an IP over, as told on the Service (MetalLB users know the reason `nodeAssigned`):
 * - assigned: nobody announced it before as far as this node knows (a new Service, a restart);
 * - owner-failed: the previous owner's speaker stopped answering heartbeats;
 * - owner-leaving: the previous owner's speaker is shutting down (a graceful hand-over);
 * - owner-unhealthy: the previous owner is alive but may no longer announce it (kube-proxy or the
 *   Service's endpoints on that node, an exclusion label, an advertisement that no longer selects it);
 * - preferred: the previous owner is fine, but this node ranks first again (it came back).
 */
export type TakeoverWhy = 'assigned' | 'owner-failed' | 'owner-leaving' | 'owner-unhealthy' | 'preferred';

/** An Event to record on a Service this node now announces. */
export interface AnnounceEvent {
  readonly serviceKey: string;
  readonly ips: readonly string[];
  readonly why: TakeoverWhy;
  readonly previous: string | undefined;
}

export interface ProbeTarget {
  readonly key: string;
  readonly healthCheckNodePort: number | undefined;
  readonly nodePort: number | undefined;
}

export interface AnnouncementPlan {
  readonly gate: GateDecision;
  /** Set when every IP this node was elected for is withheld, and why. */
  readonly withheld: Withheld | undefined;
  readonly decisions: ReadonlyMap<string, IpDecision>;
  /** What the announcer answers for: IP → interfaces. */
  readonly owned: ReadonlyMap<string, AllowedInterfaces>;
  /** Owned IPs not in `announcing`, and why each was taken. */
  readonly takeovers: readonly string[];
  readonly takeoverWhy: ReadonlyMap<string, TakeoverWhy>;
  /** Events for the Services taken over, at most one per Service and reason per EVENT_INTERVAL_MS. */
  readonly events: readonly AnnounceEvent[];
  /** Carry to the next plan (see PlanInput). */
  readonly owners: ReadonlyMap<string, string>;
  readonly eventsSent: ReadonlyMap<string, number>;
  readonly statusWrites: readonly StatusWrite[];
  readonly statusDeletes: readonly string[];
  readonly probeTargets: readonly ProbeTarget[];
  /** Carry to the next plan. */
  readonly statusWritten: ReadonlyMap<string, number>;
  readonly staleSince: ReadonlyMap<string, number>;
  readonly lastPeerHeard: number;
  readonly halfSince: number | undefined;
  /** Renew this node's Lease by then, ahead of its period, as proof of life to the far side of a split. */
  readonly leaseRenewAt: number | undefined;
  /** Read the API server at this time (now or earlier: at once) to learn whether it still answers. */
  readonly apiCheckAt: number | undefined;
  /** Plan again at this time even if nothing changes (a suspicion or a wait running out). */
  readonly recheckAt: number | undefined;
}

/** A status naming another node is rewritten at most this often (two speakers racing at start, a failed write). */
export const STATUS_REPAIR_MS = 5_000;

/**
 * A Service gets at most one takeover Event per reason in this time, so a flapping IP cannot flood
 * Events. Per reason, not per Service: a node that took an IP at start-up (`preferred`) and takes it
 * again 10 s later because its owner died (`owner-failed`) must say so; that is the Event an
 * operator testing failover looks for.
 */
export const EVENT_INTERVAL_MS = 30_000;

/** The key an Event is rate-limited under: one Service, one reason. */
export function eventRateKey(serviceKey: string, why: TakeoverWhy): string {
  return `${serviceKey} ${why}`;
}

/** While waiting for a peer's facts after warm-up, look again this soon: facts arrive between elections. */
export const FACTS_RECHECK_MS = 50;

/**
 * The proof renewal of an exact half (api-contact.ts) waits this many dead-afters: one for the far
 * side to judge this node unheard, one more for a late timer there (a starved node widens its own).
 */
export const PROOF_DELAY_DEAD_AFTERS = 2;

/**
 * The Lease view, or undefined when this node's API view is not current (the gate then ignores Leases):
 * the watch is down, or the API server has not answered for two renew periods and a second. A watch
 * over a connection that died silently still looks healthy; the renewals (or API checks) tell. Kept on
 * the renew period: in steady state the renewal is the only request that proves the API server answers.
 * While a stale view still counts, it errs towards standing down: a dead peer's Lease looks live until
 * its duration runs out, and a live peer's does not expire in it before the view stops counting (the
 * Lease duration is three renew periods, more than two and a second).
 */
function currentLeaseView(i: PlanInput): LeaseView | undefined {
  const { api, now } = i;
  if (!api.leasesWatchHealthy || now - api.lastApiSuccess > 2 * api.leaseRenewMs + 1_000) return undefined;
  return leaseView(i.leases, i.self, now);
}

/**
 * Cut off: peers were known, none was heard, and the API server has not answered within the
 * isolation time either. Losing only the API server, or only some peers, keeps what this node owns.
 *
 * Not in a two-node cluster: there, one node alone is exactly half, and nothing proves the other half
 * alive, which is the quorum gate's 'half-others-unproven' case. The usual cause is the other node dying
 * with the control plane on it (a homelab's first node); standing down would turn the loss of one node
 * into the loss of every IP. A node that is really cut off announces into a dead link, which harms nobody.
 */
function isolated(i: PlanInput, lastPeerHeard: number): boolean {
  if (i.nodes.length <= 2) return false;
  return i.now - lastPeerHeard >= i.isolationMs && i.now - i.api.lastApiSuccess >= i.isolationMs;
}

export function planAnnouncements(i: PlanInput): AnnouncementPlan {
  const { self, now, membership } = i;
  const lastPeerHeard = membership.heard.length > 0 ? now : i.lastPeerHeard;
  const gate = mayAnnounce(self, membership.alive, currentLeaseView(i));
  const alive = new Set([self, ...membership.alive]);
  const election = electOwners({
    nodes: i.nodes,
    alive: (n) => alive.has(n),
    facts: (n) => (n === self ? i.ownFacts : membership.facts.get(n)),
    config: i.config,
    services: i.services,
    checks: i.checks,
  });

  const warming = warmingUp({
    now,
    warmUntil: i.warmUntil,
    nodes: i.nodes.length,
    peersWithoutFacts: membership.alive.filter((p) => !membership.facts.has(p)),
  });
  const withheld: Withheld | undefined = warming
    ? 'warming-up'
    : isolated(i, lastPeerHeard)
      ? 'isolated'
      : gate.announce
        ? undefined
        : 'minority';

  const decisions = new Map<string, IpDecision>();
  const owned = new Map<string, AllowedInterfaces>();
  const mine: IpOwnership[] = [];
  for (const [ip, r] of election) {
    const reason = ipReason(r, self, withheld);
    decisions.set(ip, { ip, services: r.services, ranking: r.ranking, reason });
    if (!reason.announce) continue;
    owned.set(ip, r.interfaces.get(self) ?? 'any');
    mine.push(r);
  }
  const takeovers = [...owned.keys()].filter((ip) => !i.announcing.has(ip));
  const takeoverWhy = new Map(takeovers.map((ip) => [ip, whyTakeover(i, ip, election.get(ip), alive)]));
  const events = announceEvents(i, mine, takeoverWhy);
  const owners = new Map<string, string>();
  for (const [ip, r] of election) if (r.owner !== undefined) owners.set(ip, r.owner);

  const status = statusWrites(i, mine, new Set(takeovers));
  const gc = collectStale(i, membership.alive, status.written);
  const halfSince = exactHalfSince(i.halfSince, gate.gate, now);
  const checkAt = apiCheckAt({
    nodes: i.nodes.length,
    heardPeers: membership.heard.length,
    lastApiSuccess: i.api.lastApiSuccess,
    isolationMs: i.isolationMs,
  });
  return {
    gate,
    withheld,
    decisions,
    owned,
    takeovers,
    takeoverWhy,
    events: events.events,
    owners,
    eventsSent: events.sent,
    statusWrites: status.writes,
    statusDeletes: gc.toDelete,
    probeTargets: i.services.map((s) => ({
      key: s.key,
      healthCheckNodePort: s.healthCheckNodePort,
      nodePort: s.nodePort,
    })),
    statusWritten: gc.statusWritten,
    staleSince: gc.staleSince,
    lastPeerHeard,
    halfSince,
    leaseRenewAt: leaseRenewAt(halfSince, i.api.lastLeaseWrite, PROOF_DELAY_DEAD_AFTERS * i.deadAfterMs),
    apiCheckAt: checkAt,
    recheckAt: recheckAt(i, warming, membership.nextExpiry, checkAt),
  };
}

function whyTakeover(
  i: PlanInput,
  ip: string,
  r: IpOwnership | undefined,
  alive: ReadonlySet<string>,
): TakeoverWhy {
  const previous = i.previousOwners.get(ip);
  if (previous === undefined || previous === i.self) return 'assigned';
  if (!alive.has(previous)) return 'owner-failed';
  if (i.membership.facts.get(previous)?.leaving === true) return 'owner-leaving';
  return r?.ranking.includes(previous) === true ? 'preferred' : 'owner-unhealthy';
}

/** One Event per Service taken over, naming all its IPs taken in this plan; rate-limited per Service and reason. */
function announceEvents(
  i: PlanInput,
  mine: readonly IpOwnership[],
  why: ReadonlyMap<string, TakeoverWhy>,
): { events: AnnounceEvent[]; sent: ReadonlyMap<string, number> } {
  const sent = new Map(i.eventsSent);
  for (const [key, at] of sent) if (i.now - at >= EVENT_INTERVAL_MS) sent.delete(key);
  const byService = new Map<string, { ips: string[]; why: TakeoverWhy; previous: string | undefined }>();
  for (const r of mine) {
    const w = why.get(r.ip);
    if (w === undefined) continue;
    for (const key of r.services) {
      const e = byService.get(key);
      if (e) e.ips.push(r.ip);
      else byService.set(key, { ips: [r.ip], why: w, previous: i.previousOwners.get(r.ip) });
    }
  }
  const events: AnnounceEvent[] = [];
  for (const [serviceKey, e] of byService) {
    const rateKey = eventRateKey(serviceKey, e.why);
    if (sent.has(rateKey)) continue;
    sent.set(rateKey, i.now);
    events.push({
      serviceKey,
      ips: e.ips,
      why: e.why,
      previous: e.previous === i.self ? undefined : e.previous,
    });
  }
  return { events, sent };
}

function ipReason(r: IpOwnership, self: string, withheld: Withheld | undefined): IpReason {
  if (r.owner === undefined) return { announce: false, why: 'no-candidate' };
  if (r.owner !== self) return { announce: false, why: 'other-owner', owner: r.owner };
  return withheld === undefined ? { announce: true, why: 'elected' } : { announce: false, why: withheld };
}

/**
 * Writes the ServiceL2Status of the Services on an IP this node announces: at a takeover, and again
 * whenever the object names another node, at most every STATUS_REPAIR_MS.
 */
function statusWrites(
  i: PlanInput,
  mine: readonly IpOwnership[],
  takeovers: ReadonlySet<string>,
): { writes: StatusWrite[]; written: Map<string, number> } {
  const byService = new Map(i.statuses.map((s) => [s.serviceKey, s]));
  const ipsOf = new Map(i.services.map((s) => [s.key, s.ips]));
  const written = new Map(i.statusWritten);
  const writes: StatusWrite[] = [];
  for (const r of mine) {
    const takeover = takeovers.has(r.ip);
    const ifs = r.interfaces.get(i.self);
    const interfaces = ifs === 'any' || ifs === undefined ? i.defaultInterfaces : [...ifs];
    for (const key of r.services) {
      if (writes.some((w) => w.serviceKey === key)) continue;
      const current = byService.get(key);
      const stale = current?.node !== i.self;
      if (!takeover && (!stale || i.now - (written.get(key) ?? Number.NEGATIVE_INFINITY) < STATUS_REPAIR_MS))
        continue;
      written.set(key, i.now);
      writes.push({
        serviceKey: key,
        ips: ipsOf.get(key) ?? [r.ip],
        interfaces,
        lastTakeoverTime: takeover || !current?.lastTakeoverTime ? 'now' : current.lastTakeoverTime,
      });
    }
  }
  return { writes, written };
}

/**
 * Deletes the ServiceL2Status of Services that are gone or no longer have a BareLB IP. Not while
 * warming up (every peer looks dead, so this node would be everyone's deleter), and only with
 * healthy watches.
 */
function collectStale(
  i: PlanInput,
  alive: readonly string[],
  written: ReadonlyMap<string, number>,
): {
  toDelete: readonly string[];
  staleSince: ReadonlyMap<string, number>;
  statusWritten: ReadonlyMap<string, number>;
} {
  if (i.now < i.warmUntil || !i.api.servicesWatchHealthy || !i.api.statusesWatchHealthy)
    return { toDelete: [], staleSince: i.staleSince, statusWritten: written };
  const announced = new Set(i.services.map((s) => s.key));
  const statusWritten = new Map([...written].filter(([key]) => announced.has(key)));
  const gc = l2StatusesToDelete({
    objects: i.statuses,
    announced,
    self: i.self,
    alive,
    staleSince: i.staleSince,
    now: i.now,
  });
  return { toDelete: gc.toDelete, staleSince: gc.staleSince, statusWritten };
}

function recheckAt(
  i: PlanInput,
  warming: boolean,
  nextExpiry: number | undefined,
  checkAt: number | undefined,
): number | undefined {
  const times: number[] = [];
  if (nextExpiry !== undefined) times.push(nextExpiry);
  // A check due now is started by this plan; while it (or the API server) is slow, look again a period on.
  if (checkAt !== undefined) times.push(checkAt > i.now ? checkAt : i.now + apiCheckEveryMs(i.isolationMs));
  // The plain warm-up ends at warmUntil; after it, facts of heard peers arrive between elections.
  if (warming) times.push(i.now < i.warmUntil ? i.warmUntil : i.now + FACTS_RECHECK_MS);
  return times.length === 0 ? undefined : Math.min(...times);
}

/** What `kubectl describe service` shows for a takeover. */
export function announceEventMessage(e: AnnounceEvent, self: string): string {
  const head = `announcing ${e.ips.join(', ')} from node ${self}`;
  const prev = e.previous ?? 'the previous node';
  switch (e.why) {
    case 'assigned':
      return head;
    case 'owner-failed':
      return `${head}: ${prev} stopped answering heartbeats`;
    case 'owner-leaving':
      return `${head}: the speaker on ${prev} is shutting down`;
    case 'owner-unhealthy':
      return `${head}: ${prev} may no longer announce it (kube-proxy, the Service's endpoints there, or node selection)`;
    case 'preferred':
      return `${head}: it ranks first again (back from ${prev})`;
  }
}
