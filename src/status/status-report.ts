import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { isOurs, POOL_ANNOTATION, serviceKey, statusIps } from '../controller/service-class.js';

export interface PoolRow {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly assigned: number;
  readonly available: string;
  readonly ready: string;
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
  metadata?: { name?: string };
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

/** Pure: what `barelb status` prints, from objects read from the cluster. */
export function statusReport(
  pools: readonly unknown[],
  services: readonly V1Service[],
  l2: readonly unknown[],
  events: readonly CoreV1Event[],
  lbClass: string,
): { pools: PoolRow[]; services: ServiceRow[] } {
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
  const announcer = new Map<string, string>();
  for (const raw of l2) {
    const s = (raw as L2StatusObject).status;
    if (s?.serviceNamespace && s.serviceName)
      announcer.set(
        `${s.serviceNamespace}/${s.serviceName}`,
        `${s.node ?? '?'} (${(s.interfaces ?? []).join(',')})`,
      );
  }
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
      let note = '';
      if (!ours) note = `class ${s.spec?.loadBalancerClass}: not BareLB's`;
      else if (ips.length === 0)
        note = `pending: ${lastFailure.get(key) ?? 'no allocation yet (is the controller running?)'}`;
      else if (!announcer.has(key)) note = 'not announced: no healthy node (see speaker logs and Events)';
      return {
        service: key,
        ips: ips.join(',') || '<pending>',
        pool: s.metadata?.annotations?.[POOL_ANNOTATION] ?? '',
        node: announcer.get(key) ?? '',
        note,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
  return { pools: poolRows, services: serviceRows };
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

export function renderStatus(r: { pools: PoolRow[]; services: ServiceRow[] }): string {
  const pools = formatTable(
    ['POOL', 'ADDRESSES', 'ASSIGNED', 'AVAILABLE', 'READY', 'REASON'],
    r.pools.map((p) => [p.name, p.addresses.join(','), String(p.assigned), p.available, p.ready, p.reason]),
  );
  const svcs = formatTable(
    ['SERVICE', 'IP', 'POOL', 'ANNOUNCED BY', 'NOTE'],
    r.services.map((s) => [s.service, s.ips, s.pool, s.node, s.note]),
  );
  return `${pools}\n\n${svcs}\n`;
}
