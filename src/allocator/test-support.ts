import type { LabelSelector } from '../config/label-selector.js';
import type { PoolConfig } from '../config/types.js';
import { type Address, formatAddress, parseAddress } from '../net/address.js';
import { parseRange } from '../net/range.js';
import type { AllocationResult } from './refusal.js';
import type { IPFamilyPolicy, ServiceRequest } from './service-request.js';

/** Test helpers only: pools and requests from short descriptions. */

export interface PoolSpec {
  autoAssign?: boolean;
  avoidBuggyIPs?: boolean;
  priority?: number;
  namespaces?: string[];
  namespaceSelectors?: LabelSelector[];
  serviceSelectors?: LabelSelector[];
}

export function pool(name: string, addresses: string[], spec: PoolSpec = {}): PoolConfig {
  const ranges = addresses.map((t) => {
    const r = parseRange(t);
    if (!r.ok) throw new Error(`${t}: ${r.reason}`);
    return r.range;
  });
  return {
    name,
    ranges,
    autoAssign: spec.autoAssign ?? true,
    avoidBuggyIPs: spec.avoidBuggyIPs ?? false,
    allocation: {
      priority: spec.priority,
      namespaces: spec.namespaces ?? [],
      namespaceSelectors: spec.namespaceSelectors ?? [],
      serviceSelectors: spec.serviceSelectors ?? [],
    },
    labels: {},
  };
}

export interface SvcSpec {
  name: string;
  ns?: string;
  ann?: Record<string, string>;
  labels?: Record<string, string>;
  nsLabels?: Record<string, string>;
  lbIp?: string;
  policy?: IPFamilyPolicy;
  families?: ('IPv4' | 'IPv6')[];
  ports?: (number | [string, number])[];
  local?: boolean;
  selector?: Record<string, string>;
}

export function svc(s: SvcSpec): ServiceRequest {
  const ns = s.ns ?? 'default';
  return {
    key: `${ns}/${s.name}`,
    namespace: ns,
    labels: s.labels ?? {},
    namespaceLabels: s.nsLabels ?? {},
    annotations: s.ann ?? {},
    loadBalancerIP: s.lbIp,
    ipFamilies: s.families ?? ['IPv4'],
    ipFamilyPolicy: s.policy,
    ports: (s.ports ?? [80]).map((p) =>
      typeof p === 'number' ? { protocol: 'TCP', port: p } : { protocol: p[0], port: p[1] },
    ),
    externalTrafficPolicy: s.local ? 'Local' : 'Cluster',
    selector: s.selector ?? { app: s.name },
  };
}

export function addr(text: string): Address {
  const a = parseAddress(text);
  if (!a) throw new Error(`not an address: ${text}`);
  return a;
}

/** The addresses as text, or the refusal reason: what table tests compare. */
export function outcome(r: AllocationResult): string[] | string {
  return r.ok ? r.ips.map(formatAddress) : r.reason;
}
