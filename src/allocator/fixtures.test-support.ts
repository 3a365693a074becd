// Shared by the allocator's tests (and the controller's integrity property): pools from CRD-shaped
// specs through the real config builder, and Service requests from a compact description.
import { buildConfig } from '../config/index.js';
import type { PoolConfig } from '../config/types.js';
import { formatAddress, parseAddress } from '../net/address.js';
import { type ServiceLike, serviceRequestFrom } from './service-request.js';

export function pools(...specs: [string, Record<string, unknown>][]): PoolConfig[] {
  const c = buildConfig(
    specs.map(([name, spec]) => ({ metadata: { name }, spec })),
    [],
  );
  if (c.errors.length > 0) throw new Error(JSON.stringify(c.errors));
  return [...c.pools.values()];
}

export interface Svc {
  name: string;
  ns?: string;
  ann?: Record<string, string>;
  labels?: Record<string, string>;
  nsLabels?: Record<string, string>;
  lbIp?: string;
  policy?: string;
  families?: string[];
  ports?: number[];
  local?: boolean;
  selector?: Record<string, string>;
}

export const req = (s: Svc) => {
  const svc: ServiceLike = {
    metadata: {
      name: s.name,
      namespace: s.ns ?? 'default',
      annotations: s.ann ?? {},
      labels: s.labels ?? {},
    },
    spec: {
      ...(s.lbIp ? { loadBalancerIP: s.lbIp } : {}),
      ...(s.policy ? { ipFamilyPolicy: s.policy } : {}),
      ...(s.families ? { ipFamilies: s.families } : {}),
      ports: (s.ports ?? [80]).map((port) => ({ port, protocol: 'TCP' })),
      externalTrafficPolicy: s.local ? 'Local' : 'Cluster',
      selector: s.selector ?? { app: s.name },
    },
  };
  return serviceRequestFrom(svc, s.nsLabels ?? {});
};
export const ips = (r: { ok: boolean; ips?: readonly { family: 'IPv4' | 'IPv6'; value: bigint }[] }) =>
  r.ok && r.ips ? r.ips.map(formatAddress) : [];
export const addr = (t: string) => {
  const a = parseAddress(t);
  if (!a) throw new Error(t);
  return a;
};
