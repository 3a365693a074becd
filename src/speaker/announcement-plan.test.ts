import { describe, expect, it } from 'vitest';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import type { PeerLease } from '../election/lease-liveness.js';
import {
  type AnnouncementPlan,
  announceEventMessage,
  EVENT_INTERVAL_MS,
  eventRateKey,
  FACTS_RECHECK_MS,
  type PlanInput,
  planAnnouncements,
  STATUS_REPAIR_MS,
  type TakeoverWhy,
} from './announcement-plan.js';
import { STALE_CONFIRM_MS } from './l2-status-gc.js';
import {
  clusterConfig,
  clusterServices,
  ISOLATION_MS,
  LEASE_DURATION_MS,
  RENEW_MS,
  SpeakerClusterSim,
  servedOnceBy,
  type Watch,
  watch,
} from './speaker-cluster-sim.test-support.js';

const healthy: NodeFacts = { kubeProxyHealthy: true, localEndpoints: [], nodePortDown: [], leaving: false };
const names = ['n1', 'n2', 'n3'];
const services = clusterServices(names);
const NOW = 100_000;
const lease = (over: Partial<PeerLease> = {}): PeerLease => ({
  renewTime: 'r1',
  seenAt: NOW - 1_000,
  durationMs: 6_000,
  released: false,
  renewedUnheard: false,
  ...over,
});

/** n1 in a healthy three-node cluster, long after start. */
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  self: 'n1',
  now: NOW,
  nodes: names.map((name) => ({ name, labels: {}, excluded: undefined })),
  membership: {
    alive: ['n2', 'n3'],
    heard: ['n2', 'n3'],
    facts: new Map([
      ['n2', healthy],
      ['n3', healthy],
    ]),
    nextExpiry: undefined,
  },
  ownFacts: healthy,
  leases: new Map([
    ['n2', lease()],
    ['n3', lease()],
  ]),
  api: {
    leasesWatchHealthy: true,
    lastApiSuccess: NOW - 500,
    lastLeaseWrite: NOW - 500,
    leaseRenewMs: 2_000,
    servicesWatchHealthy: true,
    statusesWatchHealthy: true,
  },
  config: clusterConfig,
  services,
  checks: { kubeProxy: true, healthCheckNodePort: true, nodePort: false },
  warmUntil: 400,
  deadAfterMs: 400,
  halfSince: undefined,
  isolationMs: 5_000,
  lastPeerHeard: NOW,
  announcing: new Set(),
  defaultInterfaces: ['eth0'],
  statuses: [],
  statusWritten: new Map(),
  staleSince: new Map(),
  previousOwners: new Map(),
  eventsSent: new Map(),
  ...over,
});
/** The IPs n1 wins in the healthy cluster. */
const n1Ips = [...planAnnouncements(input()).owned.keys()];
const cutOff = { alive: [], heard: [], facts: new Map<string, NodeFacts>(), nextExpiry: undefined };

describe('planAnnouncements: one node, every gate', () => {
  it('n1 wins some IPs and not others in the healthy cluster (the fixture the rows rely on)', () => {
    expect(n1Ips.length).toBeGreaterThan(0);
    expect(n1Ips.length).toBeLessThan(8);
  });

  it.each<{
    name: string;
    input: PlanInput;
    withheld: string | undefined;
    owns: number;
    recheckAt?: number | undefined;
  }>([
    { name: 'healthy: announces what it wins', input: input(), withheld: undefined, owns: n1Ips.length },
    {
      name: 'starting: quiet until one dead-after has passed',
      input: input({ warmUntil: NOW + 300 }),
      withheld: 'warming-up',
      owns: 0,
      recheckAt: NOW + 300,
    },
    {
      name: "warmed up, but a heard peer's facts are missing: wait for them, look again soon",
      input: input({
        membership: { ...input().membership, facts: new Map([['n2', healthy]]) },
        warmUntil: NOW - 100,
      }),
      withheld: 'warming-up',
      owns: 0,
      recheckAt: NOW + FACTS_RECHECK_MS,
    },
    {
      name: 'alone in the cluster: no warm-up',
      input: input({
        nodes: [{ name: 'n1', labels: {}, excluded: undefined }],
        membership: cutOff,
        leases: new Map(),
        warmUntil: NOW + 300,
      }),
      withheld: undefined,
      owns: 8,
    },
    {
      name: 'three nodes, no peer heard and no API answer for the isolation time: isolated',
      input: input({
        membership: cutOff,
        lastPeerHeard: NOW - 6_000,
        api: { ...input().api, lastApiSuccess: NOW - 6_000, leasesWatchHealthy: false },
      }),
      withheld: 'isolated',
      owns: 0,
    },
    {
      name: 'two nodes, the peer and the API server gone (the control plane died with it): keeps serving',
      input: input({
        nodes: names.slice(0, 2).map((name) => ({ name, labels: {}, excluded: undefined })),
        membership: cutOff,
        leases: new Map([['n2', lease()]]),
        lastPeerHeard: NOW - 6_000,
        api: { ...input().api, lastApiSuccess: NOW - 6_000, leasesWatchHealthy: false },
      }),
      withheld: undefined,
      owns: 8,
    },
    {
      name: 'API server gone, peers heard: keeps what it owns (heartbeats alone decide)',
      input: input({ api: { ...input().api, lastApiSuccess: NOW - 60_000, leasesWatchHealthy: false } }),
      withheld: undefined,
      owns: n1Ips.length,
    },
    {
      name: 'cut off from two live peers whose Leases prove them alive: minority',
      input: input({
        membership: cutOff,
        leases: new Map([
          ['n2', lease({ renewedUnheard: true })],
          ['n3', lease({ renewedUnheard: true })],
        ]),
      }),
      withheld: 'minority',
      owns: 0,
    },
    {
      name: 'both peers hard-killed, their Leases not yet expired: a minority by count, so it waits',
      input: input({ membership: cutOff }),
      withheld: 'minority',
      owns: 0,
    },
    {
      name: 'finding 1: two nodes, the peer hard-killed, its Lease still live: serves every IP',
      input: input({
        nodes: names.slice(0, 2).map((name) => ({ name, labels: {}, excluded: undefined })),
        membership: cutOff,
        leases: new Map([['n2', lease()]]),
      }),
      withheld: undefined,
      owns: 8,
    },
    {
      name: 'issue 14: three nodes, no peer heard, the Lease renewed 8 s ago but a read answered 1 s ago: not isolated',
      input: input({
        membership: cutOff,
        leases: new Map(),
        lastPeerHeard: NOW - 6_000,
        api: { ...input().api, lastApiSuccess: NOW - 1_000, lastLeaseWrite: NOW - 8_000 },
      }),
      withheld: undefined,
      owns: 8,
      recheckAt: NOW + 250,
    },
    {
      name: 'issue 14: three nodes, the peers gone and nothing heard from the API server for the isolation time: isolated, read again in a quarter of it',
      input: input({
        membership: cutOff,
        leases: new Map(),
        lastPeerHeard: NOW - 6_000,
        api: { ...input().api, lastApiSuccess: NOW - 5_000, lastLeaseWrite: NOW - 8_000 },
      }),
      withheld: 'isolated',
      owns: 0,
      recheckAt: NOW + 1_250,
    },
    {
      name: 'a suspicion runs out later: plan again then',
      input: input({ membership: { ...input().membership, nextExpiry: NOW + 700 } }),
      withheld: undefined,
      owns: n1Ips.length,
      recheckAt: NOW + 700,
    },
  ])('$name', ({ input: i, withheld, owns, recheckAt }) => {
    const plan = planAnnouncements(i);
    expect(plan.withheld).toBe(withheld);
    expect(plan.owned.size).toBe(owns);
    if (recheckAt !== undefined) expect(plan.recheckAt).toBe(recheckAt);
    for (const d of plan.decisions.values())
      if (d.reason.announce) expect(plan.owned.has(d.ip)).toBe(true);
      else if (d.ranking[0] === 'n1' && withheld !== undefined) expect(d.reason.why).toBe(withheld);
  });

  it.each<{ name: string; facts: ReadonlyMap<string, NodeFacts>; own: NodeFacts; wantWhy: string }>([
    {
      name: 'a peer still warming up is no candidate: this node keeps the IPs it would take',
      facts: new Map([
        ['n2', { ...healthy, warmingUp: true }],
        ['n3', { ...healthy, warmingUp: true }],
      ]),
      own: healthy,
      wantWhy: 'elected',
    },
    {
      name: 'kube-proxy down everywhere: no candidate',
      facts: new Map([
        ['n2', { ...healthy, kubeProxyHealthy: false }],
        ['n3', { ...healthy, kubeProxyHealthy: false }],
      ]),
      own: { ...healthy, kubeProxyHealthy: false },
      wantWhy: 'no-candidate',
    },
  ])('reasons: $name', ({ facts, own, wantWhy }) => {
    const plan = planAnnouncements(input({ membership: { ...input().membership, facts }, ownFacts: own }));
    expect(new Set([...plan.decisions.values()].map((d) => d.reason.why))).toEqual(new Set([wantWhy]));
  });

  it('names the owner of an IP another node wins', () => {
    const plan = planAnnouncements(input());
    const other = [...plan.decisions.values()].find((d) => !d.reason.announce);
    expect(other?.reason).toEqual({ announce: false, why: 'other-owner', owner: other?.ranking[0] });
  });

  it('probes every Service it sees', () => {
    expect(planAnnouncements(input()).probeTargets.map((t) => t.key)).toEqual(services.map((s) => s.key));
  });
});

describe('planAnnouncements: reads and early writes beyond the periodic renewal (issue 14)', () => {
  const two = names.slice(0, 2).map((name) => ({ name, labels: {}, excluded: undefined }));
  it.each<{
    name: string;
    input: PlanInput;
    apiCheckAt: number | undefined;
    halfSince: number | undefined;
    leaseRenewAt: number | undefined;
  }>([
    {
      name: 'steady: nothing read, nothing written early',
      input: input(),
      apiCheckAt: undefined,
      halfSince: undefined,
      leaseRenewAt: undefined,
    },
    {
      name: 'three nodes, no peer heard: read the API server (due since the last answer)',
      input: input({ membership: cutOff, api: { ...input().api, lastApiSuccess: NOW - 8_000 } }),
      apiCheckAt: NOW - 8_000 + 1_250,
      halfSince: undefined,
      leaseRenewAt: undefined,
    },
    {
      name: 'two nodes, the peer unheard: half now, renew two dead-afters on as proof of life',
      input: input({ nodes: two, membership: cutOff, leases: new Map([['n2', lease()]]) }),
      apiCheckAt: undefined,
      halfSince: NOW,
      leaseRenewAt: NOW + 800,
    },
    {
      name: 'two nodes, half for a while and renewed since: nothing more',
      input: input({
        nodes: two,
        membership: cutOff,
        leases: new Map([['n2', lease()]]),
        halfSince: NOW - 2_000,
        api: { ...input().api, lastLeaseWrite: NOW - 1_000 },
      }),
      apiCheckAt: undefined,
      halfSince: NOW - 2_000,
      leaseRenewAt: undefined,
    },
    {
      name: 'two nodes, the API server gone: no Lease view, no half, no early write',
      input: input({
        nodes: two,
        membership: cutOff,
        api: { ...input().api, leasesWatchHealthy: false },
        halfSince: NOW - 2_000,
      }),
      apiCheckAt: undefined,
      halfSince: undefined,
      leaseRenewAt: undefined,
    },
  ])('$name', ({ input: i, apiCheckAt, halfSince, leaseRenewAt }) => {
    const plan = planAnnouncements(i);
    expect(plan.apiCheckAt).toBe(apiCheckAt);
    expect(plan.halfSince).toBe(halfSince);
    expect(plan.leaseRenewAt).toBe(leaseRenewAt);
  });
});

describe('planAnnouncements: ServiceL2Status writes and garbage collection', () => {
  const ip = n1Ips[0] ?? '';
  const key = services.find((s) => s.ips.includes(ip))?.key ?? '';
  const status = (node: string, extra: { lastTakeoverTime?: string } = {}) => ({
    name: `x-${key}`,
    serviceKey: key,
    node,
    ...extra,
  });
  const writesFor = (p: AnnouncementPlan) => p.statusWrites.filter((w) => w.serviceKey === key);

  it.each<{ name: string; input: PlanInput; want: unknown[] }>([
    {
      name: 'a takeover writes with a new takeover time',
      input: input({ announcing: new Set() }),
      want: [{ serviceKey: key, ips: [ip], interfaces: ['eth0'], lastTakeoverTime: 'now' }],
    },
    {
      name: 'already announced and the status names this node: nothing to write',
      input: input({ announcing: new Set(n1Ips), statuses: [status('n1')] }),
      want: [],
    },
    {
      name: 'the status names another node: repaired, keeping its takeover time',
      input: input({ announcing: new Set(n1Ips), statuses: [status('n2', { lastTakeoverTime: 'T0' })] }),
      want: [{ serviceKey: key, ips: [ip], interfaces: ['eth0'], lastTakeoverTime: 'T0' }],
    },
    {
      name: 'repaired at most every STATUS_REPAIR_MS',
      input: input({
        announcing: new Set(n1Ips),
        statuses: [status('n2')],
        statusWritten: new Map([[key, NOW - STATUS_REPAIR_MS + 1]]),
      }),
      want: [],
    },
  ])('$name', ({ input: i, want }) => {
    expect(writesFor(planAnnouncements(i))).toEqual(want);
  });

  const orphan = { name: 'gone-x', serviceKey: 'default/gone', node: 'n1' };
  it.each<{ name: string; input: PlanInput; deletes: string[] }>([
    {
      name: 'stale for STALE_CONFIRM_MS: deleted by the node it names',
      input: input({ statuses: [orphan], staleSince: new Map([['gone-x', NOW - STALE_CONFIRM_MS]]) }),
      deletes: ['gone-x'],
    },
    { name: 'first seen stale: not yet', input: input({ statuses: [orphan] }), deletes: [] },
    {
      name: 'never while warming up',
      input: input({ statuses: [orphan], staleSince: new Map([['gone-x', 0]]), warmUntil: NOW + 1 }),
      deletes: [],
    },
    {
      name: 'never with a broken Service watch',
      input: input({
        statuses: [orphan],
        staleSince: new Map([['gone-x', 0]]),
        api: { ...input().api, servicesWatchHealthy: false },
      }),
      deletes: [],
    },
  ])('garbage: $name', ({ input: i, deletes }) => {
    expect(planAnnouncements(i).statusDeletes).toEqual(deletes);
  });
});

/**
 * Whole clusters: every live speaker plans every 50 ms from the real Membership over a simulated
 * network and a model of the Leases (speaker-cluster-sim.test-support.ts). Each row acts after the
 * cluster has settled and checks what clients would see, per IP and 50 ms sample.
 */
interface Scenario {
  readonly name: string;
  /** Cluster sizes the row applies to (default 2, 3 and 5). */
  readonly sizes?: readonly number[];
  readonly act: (c: SpeakerClusterSim, size: number) => void;
  /** How long to watch after the act. */
  readonly ms: number;
  readonly check: (w: Watch, c: SpeakerClusterSim, size: number) => void;
}

const last = (size: number) => `n${size}`;
const others = (c: SpeakerClusterSim, gone: string) => c.names.filter((n) => n !== gone);
const perIpMs = (samples: number, c: SpeakerClusterSim) => (samples * 50) / c.services.length;

/**
 * The API server down (its watches break at once) and frozen (it answers nothing, the watches look
 * healthy: hung, or its link died silently; the Lease view stays current for two renew periods).
 */
const apiOutages: { name: string; start: (c: SpeakerClusterSim) => void }[] = [
  {
    name: 'API server down',
    start: (c) => {
      c.apiUp = false;
    },
  },
  {
    name: 'API server frozen',
    start: (c) => {
      c.apiFrozen = true;
    },
  },
];

const scenarios: Scenario[] = [
  {
    name: "steady for a minute: one announcer per IP, nothing moves, kubelet's Lease rate and no reads",
    act: (c) => c.apiCalls.clear(),
    ms: 60_000,
    check: (w, c) => {
      expect(w).toMatchObject({ unanswered: 0, doubled: 0, moves: 0 });
      expect(servedOnceBy(w.owners, c.names)).toBe(true);
      // Issue 14: at most 0.1 Lease writes/s per node, and no API checks while peers are heard.
      for (const n of c.names) expect(c.apiCalls.get(n)).toEqual({ renewals: 6, checks: 0 });
    },
  },
  {
    name: 'hard kill of n1: every IP answered again within 1 s, then no gap or move past its Lease expiry',
    act: (c) => c.kill('n1'),
    ms: 1_000,
    check: (w, c) => {
      expect(w.lastUnansweredMs).toBeLessThanOrEqual(1_000);
      expect(w.doubled).toBe(0);
      expect(servedOnceBy(w.owners, others(c, 'n1'))).toBe(true);
      // The killed node's Lease expires in this time (3 renew periods): it must change nothing (finding 1).
      expect(watch(c, LEASE_DURATION_MS + 1_000)).toMatchObject({ unanswered: 0, moves: 0, doubled: 0 });
    },
  },
  {
    name: 'graceful stop of n1: no IP unanswered at any time, the Lease released',
    act: (c) => {
      c.leave('n1');
      const handover = watch(c, 1_000);
      expect(handover.unanswered).toBe(0);
      c.exit('n1');
    },
    ms: 10_000,
    check: (w, c) => {
      expect(w).toMatchObject({ unanswered: 0, doubled: 0 });
      expect(servedOnceBy(w.owners, others(c, 'n1'))).toBe(true);
    },
  },
  {
    name: 'rolling restart of n1: its IPs come back without a gap',
    act: (c) => {
      c.leave('n1');
      watch(c, 1_000);
      c.exit('n1');
      expect(watch(c, 2_000).unanswered).toBe(0);
      c.restart('n1', 2_000_000);
    },
    ms: 5_000,
    check: (w, c) => {
      expect(w.unanswered).toBe(0);
      expect(w.owners).toEqual(steadyOwners(c.names.length));
    },
  },
  {
    name: 'restart after a clock step back of an hour: accepted again, same owners as before',
    act: (c) => {
      c.kill('n1');
      c.advance(1_000);
      c.restart('n1', 1_000_000 - 3_600_000);
    },
    ms: 5_000,
    check: (w, c) => {
      expect(w.unanswered).toBe(0);
      expect(w.owners).toEqual(steadyOwners(c.names.length));
    },
  },
  ...apiOutages.flatMap(({ name, start }): Scenario[] => [
    {
      name: `${name} past the isolation time and every Lease: nothing moves`,
      act: start,
      ms: LEASE_DURATION_MS + 5_000,
      check: (w) => expect(w).toMatchObject({ unanswered: 0, doubled: 0, moves: 0 }),
    },
    {
      name: `${name}, then a hard kill of n1: heartbeats alone fail over, and the survivors keep serving`,
      act: (c) => {
        start(c);
        c.advance(5_000);
        c.kill('n1');
      },
      ms: LEASE_DURATION_MS,
      check: (w, c) => {
        expect(w.lastUnansweredMs).toBeLessThanOrEqual(1_000);
        expect(w.doubled).toBe(0);
        expect(servedOnceBy(w.owners, others(c, 'n1'))).toBe(true);
      },
    },
  ]),
  {
    name: 'slow peer: n1 paused for 350 ms (GC, CPU starvation) moves nothing',
    act: (c) => c.sim.pause('n1', 350),
    ms: 5_000,
    check: (w) => expect(w).toMatchObject({ unanswered: 0, doubled: 0, moves: 0 }),
  },
  {
    name: 'heartbeat partition of the last node: one announcer per IP again within 2 s, whatever the renew period',
    act: (c, size) => c.cut(last(size)),
    ms: 2_000,
    check: (w, c, size) => {
      expect(w.unanswered).toBe(0);
      // Two nodes: both sides serve until each renews early as proof of life (two dead-afters after
      // the split, not the next periodic renewal, issue 14), then the lowest name keeps them. More
      // nodes: the cut-off node stands down once it judges its peers dead.
      expect(perIpMs(w.doubled, c)).toBeLessThanOrEqual(1_500);
      expect(RENEW_MS).toBeGreaterThan(2_000);
      const after = watch(c, 5_000);
      expect(after).toMatchObject({ unanswered: 0, doubled: 0, moves: 0 });
      expect(servedOnceBy(after.owners, size === 2 ? ['n1'] : others(c, last(size)))).toBe(true);
    },
  },
  {
    name: 'graceful stop of every other node: the last one keeps serving, never isolated (issue 14: it reads the API server)',
    act: (c) => {
      for (const n of c.names.slice(1)) c.leave(n);
      watch(c, 1_000);
      for (const n of c.names.slice(1)) c.exit(n);
      c.apiCalls.clear();
    },
    ms: 3 * RENEW_MS,
    check: (w, c) => {
      expect(w).toMatchObject({ unanswered: 0, doubled: 0, moves: 0 });
      expect(servedOnceBy(w.owners, ['n1'])).toBe(true);
      // Two nodes: isolation never applies, nothing read. More: a read per quarter isolation time.
      const checks = c.apiCalls.get('n1')?.checks ?? 0;
      if (c.names.length === 2) expect(checks).toBe(0);
      else expect(checks).toBeLessThanOrEqual((3 * RENEW_MS) / (ISOLATION_MS / 4) + 1);
    },
  },
  {
    name: 'link down on the last node (no peers, no API server, its watches stale): it stands down, the others serve its IPs',
    act: (c, size) => c.linkDown(last(size)),
    ms: ISOLATION_MS + 1_000,
    check: (w, c, size) => {
      expect(w.lastUnansweredMs).toBeLessThanOrEqual(1_000);
      const after = watch(c, 3_000);
      // Two nodes: each keeps serving alone (the cut-off one into a dead link). More: the cut-off node
      // is a minority by its stale Lease view at once, and isolated after --isolation-ms anyway.
      if (size === 2) expect(after.owners.get(c.services[0]?.ips[0] ?? '')).toHaveLength(2);
      else {
        expect(after).toMatchObject({ unanswered: 0, doubled: 0, moves: 0 });
        expect(servedOnceBy(after.owners, others(c, last(size)))).toBe(true);
      }
    },
  },
  {
    name: 'hard kill of a majority at once: the survivors wait for the dead Leases to expire (the Lease duration), then serve all',
    sizes: [3, 5],
    act: (c, size) => {
      for (const n of c.names.slice(0, Math.ceil(size / 2))) c.kill(n);
    },
    ms: LEASE_DURATION_MS + 1_000,
    check: (w, c, size) => {
      const survivors = c.names.slice(Math.ceil(size / 2));
      // The cost of a longer Lease (issue 14): a dead majority counts as live until its Leases expire.
      expect(w.lastUnansweredMs).toBeGreaterThan(LEASE_DURATION_MS - 2 * RENEW_MS);
      expect(w.lastUnansweredMs).toBeLessThanOrEqual(LEASE_DURATION_MS + 500);
      expect(servedOnceBy(w.owners, survivors)).toBe(true);
    },
  },
];

/** Each row simulates tens of seconds of a whole cluster: seconds of CPU on a busy machine. */
const SIM_TIMEOUT_MS = 60_000;

const steadyCache = new Map<number, Map<string, string[]>>();
function steadyOwners(size: number): Map<string, string[]> {
  const cached = steadyCache.get(size);
  if (cached) return cached;
  const c = settled(size);
  const owners = c.owners();
  steadyCache.set(size, owners);
  return owners;
}

/** A cluster past start-up and one renew period, so every speaker's Lease is on the API server. */
function settled(size: number): SpeakerClusterSim {
  const c = new SpeakerClusterSim(size);
  c.advance(RENEW_MS + 1_000);
  return c;
}

describe('planAnnouncements across whole clusters (issue 12)', () => {
  const rows = [2, 3, 5].flatMap((size) =>
    scenarios
      .filter((s) => s.sizes?.includes(size) ?? true)
      .map((s) => ({ ...s, size, label: `${size} nodes: ${s.name}` })),
  );
  it.each(rows)(
    '$label',
    ({ act, ms, check, size }) => {
      const c = settled(size);
      act(c, size);
      check(watch(c, ms), c, size);
    },
    SIM_TIMEOUT_MS,
  );

  it.each<{ name: string; act: (c: SpeakerClusterSim) => void; unansweredMs: number }>([
    {
      name: 'alone: announces every IP, and keeps them with the API server down',
      act: (c) => {
        c.apiUp = false;
      },
      unansweredMs: 0,
    },
    {
      name: 'alone, restarted: every IP back at its first plan (no warm-up with nobody to wait for)',
      act: (c) => {
        c.kill('n1');
        c.restart('n1', 2_000_000);
      },
      unansweredMs: 50,
    },
  ])(
    '1 node: $name',
    ({ act, unansweredMs }) => {
      const c = settled(1);
      act(c);
      const w = watch(c, 10_000);
      expect(w.lastUnansweredMs).toBeLessThanOrEqual(unansweredMs);
      expect(servedOnceBy(w.owners, ['n1'])).toBe(true);
    },
    SIM_TIMEOUT_MS,
  );
});

describe('planAnnouncements: who announces what, told on the Service', () => {
  const ip = n1Ips[0] ?? '';
  const key = services.find((s) => s.ips.includes(ip))?.key ?? '';
  const facts = (n2: NodeFacts) => ({
    ...input().membership,
    facts: new Map([
      ['n2', n2],
      ['n3', healthy],
    ]),
  });
  it.each<{ name: string; input: PlanInput; why: string | undefined }>([
    { name: 'nobody announced it before: assigned', input: input(), why: 'assigned' },
    {
      name: 'n2 owned it and its heartbeats stopped: owner-failed',
      input: input({
        previousOwners: new Map([[ip, 'n2']]),
        membership: { ...facts(healthy), alive: ['n3'] },
      }),
      why: 'owner-failed',
    },
    {
      name: 'n2 owned it and is shutting down: owner-leaving',
      input: input({
        previousOwners: new Map([[ip, 'n2']]),
        membership: facts({ ...healthy, leaving: true }),
      }),
      why: 'owner-leaving',
    },
    {
      name: 'n2 owned it and its kube-proxy failed: owner-unhealthy',
      input: input({
        previousOwners: new Map([[ip, 'n2']]),
        membership: facts({ ...healthy, kubeProxyHealthy: false }),
      }),
      why: 'owner-unhealthy',
    },
    {
      name: 'n2 owned it and is fine, but n1 ranks first again: preferred',
      input: input({ previousOwners: new Map([[ip, 'n2']]) }),
      why: 'preferred',
    },
    {
      name: 'already announced: no takeover, no Event',
      input: input({ announcing: new Set(n1Ips) }),
      why: undefined,
    },
  ])('$name', ({ input: i, why }) => {
    const plan = planAnnouncements(i);
    expect(plan.takeoverWhy.get(ip)).toBe(why);
    expect(plan.events.find((e) => e.serviceKey === key)?.why).toBe(why);
  });

  it.each<{ name: string; sentWhy: TakeoverWhy; sentAgo: number; events: number }>([
    { name: 'an Event for this Service 1 s ago: none now', sentWhy: 'assigned', sentAgo: 1_000, events: 0 },
    {
      name: 'the last one EVENT_INTERVAL_MS ago: one now',
      sentWhy: 'assigned',
      sentAgo: EVENT_INTERVAL_MS,
      events: 1,
    },
    // Taken at start-up, then again because its owner died: the failover is news.
    { name: 'one for another reason 1 s ago: one now', sentWhy: 'preferred', sentAgo: 1_000, events: 1 },
  ])('rate limit: $name', ({ sentWhy, sentAgo, events }) => {
    const plan = planAnnouncements(
      input({ eventsSent: new Map([[eventRateKey(key, sentWhy), NOW - sentAgo]]) }),
    );
    expect(plan.events.filter((e) => e.serviceKey === key)).toHaveLength(events);
    if (events) expect(plan.eventsSent.get(eventRateKey(key, 'assigned'))).toBe(NOW);
  });

  it.each<{ why: TakeoverWhy; want: string }>([
    { why: 'assigned', want: 'announcing 198.18.100.3 from node n1' },
    { why: 'owner-failed', want: 'announcing 198.18.100.3 from node n1: n2 stopped answering heartbeats' },
    {
      why: 'owner-leaving',
      want: 'announcing 198.18.100.3 from node n1: the speaker on n2 is shutting down',
    },
    {
      why: 'owner-unhealthy',
      want: "announcing 198.18.100.3 from node n1: n2 may no longer announce it (kube-proxy, the Service's endpoints there, or node selection)",
    },
    { why: 'preferred', want: 'announcing 198.18.100.3 from node n1: it ranks first again (back from n2)' },
  ])('message: $why', ({ why, want }) => {
    expect(
      announceEventMessage({ serviceKey: 'default/a', ips: ['198.18.100.3'], why, previous: 'n2' }, 'n1'),
    ).toBe(want);
  });

  it.each<{ name: string; act: (c: SpeakerClusterSim) => void; why: TakeoverWhy; by: string }>([
    { name: 'hard kill of n1', act: (c) => c.kill('n1'), why: 'owner-failed', by: 'a survivor' },
    { name: 'graceful stop of n1', act: (c) => c.leave('n1'), why: 'owner-leaving', by: 'a survivor' },
    {
      name: 'n1 back after a restart',
      act: (c) => {
        c.kill('n1');
        c.advance(2_000);
        c.restart('n1', 2_000_000);
      },
      why: 'preferred',
      by: 'n1',
    },
  ])(
    'three nodes, $name: one Event per moved Service, saying $why',
    ({ act, why, by }) => {
      const c = settled(3);
      const before = c.owners();
      const n1Services = c.services
        .filter((s) => s.ips.some((i) => before.get(i)?.includes('n1')))
        .map((s) => s.key);
      const from = c.events.length;
      act(c);
      c.advance(3_000);
      const last = new Map(c.events.slice(from).map((e) => [e.serviceKey, e]));
      expect(new Set([...last.keys()].filter((k) => n1Services.includes(k)))).toEqual(new Set(n1Services));
      for (const k of n1Services) {
        expect(last.get(k)?.why).toBe(why);
        expect(by === 'n1' ? last.get(k)?.node === 'n1' : last.get(k)?.node !== 'n1').toBe(true);
      }
    },
    SIM_TIMEOUT_MS,
  );
});
