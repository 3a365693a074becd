import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { advertisementCoversPool } from '../config/advertisement-pools.js';
import type { BgpSessionStatusStatus } from '../config/crd-types.js';
import { parseBgpAdvertisement } from '../config/parse-bgp-advertisement.js';
import { isOurs, POOL_ANNOTATION, serviceKey, statusIps } from '../controller/service-class.js';
import { type SpeakerLease, speakerNotAlive } from './speaker-liveness.js';

export interface PoolRow {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly assigned: number;
  readonly available: string;
  readonly ready: string;
  readonly reason: string;
}

/** One node's BGP session with one peer, from its BGPSessionStatus. */
export interface SessionRow {
  readonly peer: string;
  readonly node: string;
  readonly state: string;
  readonly since: string;
  readonly reason: string;
}

export interface ServiceRow {
  readonly service: string;
  readonly ips: string;
  readonly pool: string;
  readonly node: string;
  readonly note: string;
}

interface PoolObject {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { addresses?: string[] };
  status?: {
    assignedIPv4?: number;
    assignedIPv6?: number;
    availableIPv4?: string;
    availableIPv6?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
  };
}

interface L2StatusObject {
  status?: { serviceNamespace?: string; serviceName?: string; node?: string; interfaces?: string[] };
}

/** What `barelb status` reads from the cluster. */
export interface StatusInput {
  readonly pools: readonly unknown[];
  readonly services: readonly V1Service[];
  readonly l2: readonly unknown[];
  readonly events: readonly CoreV1Event[];
  readonly leases: readonly SpeakerLease[];
  /** BGP mode's advertisements and session statuses; empty when its CRDs are not installed. */
  readonly bgpAdvertisements?: readonly unknown[];
  readonly bgpSessions?: readonly unknown[];
  readonly lbClass: string;
  /** The namespace pools and statuses were read from, to name it when it holds none. */
  readonly namespace: string;
  readonly now: number;
}

export interface StatusReport {
  readonly pools: PoolRow[];
  readonly services: ServiceRow[];
  readonly sessions: SessionRow[];
  /** Things wrong with the question rather than the cluster (an empty namespace). */
  readonly warnings: string[];
}

/** Pure: what `barelb status` prints, from objects read from the cluster. */
export function statusReport(input: StatusInput): StatusReport {
  const { pools, services, l2, events, lbClass } = input;
  const poolRows = pools.map((raw) => {
    const p = raw as PoolObject;
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
    const avail = [p.status?.availableIPv4, p.status?.availableIPv6].filter(
      (x) => x !== undefined && x !== '0',
    );
    return {
      name: p.metadata?.name ?? '',
      addresses: p.spec?.addresses ?? [],
      assigned: (p.status?.assignedIPv4 ?? 0) + (p.status?.assignedIPv6 ?? 0),
      available: avail.join('+') || '0',
      ready: ready?.status ?? 'Unknown',
      reason:
        ready?.status === 'True'
          ? ''
          : (ready?.message ?? ready?.reason ?? 'no status yet: is the controller running?'),
    };
  });
  const announcer = new Map<string, { text: string; stale: string | undefined }>();
  for (const raw of l2) {
    const s = (raw as L2StatusObject).status;
    if (s?.serviceNamespace && s.serviceName)
      announcer.set(`${s.serviceNamespace}/${s.serviceName}`, {
        text: `${s.node ?? '?'} (${(s.interfaces ?? []).join(',')})`,
        // A status names who announced last; whether that speaker still lives is its Lease's to say.
        stale: s.node ? speakerNotAlive(input.leases, s.node, input.now) : 'no node named',
      });
  }
  const sessions = sessionRows(input.bgpSessions ?? []);
  const bgpPools = bgpCoveredPools(pools, input.bgpAdvertisements ?? []);
  const established = [
    ...new Set(sessions.filter((x) => x.state === 'Established').map((x) => x.node)),
  ].sort();
  const lastFailure = new Map<string, string>();
  for (const e of [...events].sort((a, b) => time(a) - time(b))) {
    const key = `${e.involvedObject.namespace}/${e.involvedObject.name}`;
    if (e.reason === 'AllocationFailed') lastFailure.set(key, e.message ?? '');
    if (e.reason === 'IPAllocated') lastFailure.delete(key);
  }
  const serviceRows = services
    .filter((s) => s.spec?.type === 'LoadBalancer')
    .map((s) => {
      const key = serviceKey(s);
      const ips = statusIps(s);
      const ours = isOurs(s, lbClass);
      const pool = s.metadata?.annotations?.[POOL_ANNOTATION] ?? '';
      const byBgp = ips.length > 0 && !announcer.has(key) && bgpPools.has(pool);
      let note = '';
      if (!ours) note = `class ${s.spec?.loadBalancerClass}: not BareLB's`;
      else if (ips.length === 0)
        note = `pending: ${lastFailure.get(key) ?? 'no allocation yet (is the controller running?)'}`;
      else if (byBgp && established.length === 0)
        note = 'BGP: no session is Established, so no router has a route to it (see BGP SESSIONS)';
      else if (byBgp) note = '';
      else if (!announcer.has(key))
        note = `not announced: no node may announce it; check that it has ready endpoints (kubectl get endpointslices -n ${s.metadata?.namespace} -l kubernetes.io/service-name=${s.metadata?.name}) and that an L2Advertisement covers its pool and selects it`;
      else if (announcer.get(key)?.stale)
        note = `stale: ${announcer.get(key)?.stale}; nobody may be answering`;
      const a = announcer.get(key);
      return {
        service: key,
        ips: ips.join(',') || '<pending>',
        pool,
        // BGP: the nodes with a session up; each of them that serves the Service advertises it.
        node: a
          ? `${a.text}${a.stale ? ' [stale]' : ''}`
          : byBgp
            ? `BGP: ${established.join(',') || 'none'}`
            : '',
        note,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
  const warnings: string[] = [];
  const annotated = services.some((s) => s.metadata?.annotations?.[POOL_ANNOTATION] !== undefined);
  if (pools.length === 0)
    warnings.push(
      `no IPAddressPool in namespace ${input.namespace}${annotated ? ', though Services hold BareLB addresses' : ''}: BareLB's objects live where its controller was told (--namespace; the default is barelb-system)`,
    );
  return { pools: poolRows, services: serviceRows, sessions, warnings };
}

function sessionRows(raws: readonly unknown[]): SessionRow[] {
  return raws
    .map((raw) => {
      const st = ((raw as { status?: BgpSessionStatusStatus }).status ?? {}) as BgpSessionStatusStatus;
      const c = st.conditions?.find((x) => x.type === 'Established');
      return {
        peer: st.peer ?? '?',
        node: st.node ?? '?',
        state: st.state ?? 'Unknown',
        since: c?.lastTransitionTime ?? '',
        reason: st.state === 'Established' ? '' : (c?.message ?? ''),
      };
    })
    .sort((a, b) => a.peer.localeCompare(b.peer) || a.node.localeCompare(b.node));
}

/** The names of the pools some valid BGPAdvertisement covers (by name, by selector, or all). */
function bgpCoveredPools(pools: readonly unknown[], ads: readonly unknown[]): Set<string> {
  const drafts = ads.flatMap((a) => parseBgpAdvertisement(a).draft ?? []);
  const out = new Set<string>();
  for (const raw of pools) {
    const p = raw as PoolObject;
    const pool = { name: p.metadata?.name ?? '', labels: p.metadata?.labels ?? {} };
    if (drafts.some((d) => advertisementCoversPool(d, pool))) out.add(pool.name);
  }
  return out;
}

function time(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

/** Column-aligned text, as kubectl prints tables. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function renderStatus(r: StatusReport): string {
  const pools = formatTable(
    ['POOL', 'ADDRESSES', 'ASSIGNED', 'AVAILABLE', 'READY', 'REASON'],
    r.pools.map((p) => [p.name, p.addresses.join(','), String(p.assigned), p.available, p.ready, p.reason]),
  );
  const svcs = formatTable(
    ['SERVICE', 'IP', 'POOL', 'ANNOUNCED BY', 'NOTE'],
    r.services.map((s) => [s.service, s.ips, s.pool, s.node, s.note]),
  );
  const warnings = r.warnings.map((w) => `warning: ${w}\n`).join('');
  const sessions =
    r.sessions.length === 0
      ? ''
      : `\nBGP SESSIONS\n${formatTable(
          ['PEER', 'NODE', 'STATE', 'SINCE', 'REASON'],
          r.sessions.map((x) => [x.peer, x.node, x.state, x.since, x.reason]),
        )}\n`;
  return `${warnings}${pools}\n\n${svcs}\n${sessions}`;
}
