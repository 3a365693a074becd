import type { Labels } from '../config/label-selector.js';
import { type Address, type Family, formatAddress, parseAddress } from '../net/address.js';

/** What the allocator needs to know about a Service; built from the object by `serviceRequestFrom`. */
export interface ServiceRequest {
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  /** Families wanted, in order; `required` says whether all of them must be served. */
  readonly families: readonly Family[];
  readonly requireAll: boolean;
  /** Explicit addresses (annotation or spec.loadBalancerIP), at most one per family. */
  readonly requestedIps: readonly Address[];
  readonly pool: string | undefined;
  readonly sharingKey: string | undefined;
  readonly ports: readonly { readonly protocol: string; readonly port: number }[];
  readonly local: boolean;
  /** Pod selector, canonical text; Local Services may share an IP only with the same selector. */
  readonly selector: string;
  /** Problems in the request itself (bad address, too many IPs): refused before any allocation. */
  readonly invalid: string | undefined;
  /** Deprecated or conflicting ways of asking, to tell the user about. */
  readonly warnings: readonly string[];
}

/** The subset of a core/v1 Service the allocator reads (structurally compatible with V1Service). */
export interface ServiceLike {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Labels;
    readonly annotations?: Labels;
  };
  readonly spec?: {
    readonly loadBalancerIP?: string;
    readonly ipFamilies?: readonly string[];
    readonly ipFamilyPolicy?: string;
    readonly ports?: readonly { readonly protocol?: string; readonly port: number }[];
    readonly externalTrafficPolicy?: string;
    readonly selector?: Labels;
  };
}

/** Our annotations first; MetalLB's are read so a MetalLB user can switch without touching Services. */
const PREFIXES = ['barelb.io/', 'metallb.io/', 'metallb.universe.tf/'];

function annotation(ann: Labels, name: string, warnings: string[]): string | undefined {
  const found = PREFIXES.map((p) => [p + name, ann[p + name]] as const).filter(
    ([, v]) => v !== undefined && v !== '',
  );
  const [first] = found;
  if (!first) return undefined;
  for (const [k, v] of found.slice(1)) {
    if (v !== first[1])
      warnings.push(`annotation ${k}="${v}" disagrees with ${first[0]}="${first[1]}"; using ${first[0]}`);
  }
  return first[1];
}

export function serviceRequestFrom(svc: ServiceLike, namespaceLabels: Labels): ServiceRequest {
  const ann = svc.metadata?.annotations ?? {};
  const spec = svc.spec ?? {};
  const warnings: string[] = [];
  let invalid: string | undefined;

  const ipsText = annotation(ann, 'loadBalancerIPs', warnings);
  const specIp = spec.loadBalancerIP && spec.loadBalancerIP !== '' ? spec.loadBalancerIP : undefined;
  if (specIp && ipsText) {
    warnings.push(`spec.loadBalancerIP (${specIp}) is ignored because the loadBalancerIPs annotation is set`);
  } else if (specIp) {
    warnings.push('spec.loadBalancerIP is deprecated; use the barelb.io/loadBalancerIPs annotation');
  }
  const requestedTexts = (ipsText ?? specIp ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const requestedIps: Address[] = [];
  for (const t of requestedTexts) {
    const a = parseAddress(t);
    if (!a) invalid ??= `"${t}" is not an IP address`;
    else if (requestedIps.some((r) => r.family === a.family))
      invalid ??= `at most one ${a.family} address may be requested, got ${requestedTexts.join(', ')}`;
    else requestedIps.push(a);
  }

  const listed = (spec.ipFamilies ?? []).filter((f): f is Family => f === 'IPv4' || f === 'IPv6');
  const policy = spec.ipFamilyPolicy ?? 'SingleStack';
  const first: Family = listed[0] ?? requestedIps[0]?.family ?? 'IPv4';
  let families: Family[];
  if (policy === 'SingleStack') families = [first];
  else families = [first, first === 'IPv4' ? 'IPv6' : 'IPv4'];
  const requireAll = policy === 'RequireDualStack' || policy === 'SingleStack';

  if (requestedIps.length > 0) {
    const fams = requestedIps.map((a) => a.family);
    if (policy === 'SingleStack' && (requestedIps.length > 1 || fams[0] !== first)) {
      invalid ??= `a SingleStack ${first} Service cannot take ${requestedIps.map(formatAddress).join(', ')}`;
    }
    if (policy === 'RequireDualStack' && requestedIps.length < 2)
      invalid ??= 'a RequireDualStack Service must request one address of each family';
    families = families.filter((f) => fams.includes(f));
  }

  const ports = (spec.ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port }));
  const selector = Object.entries(spec.selector ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const ns = svc.metadata?.namespace ?? '';
  return {
    key: `${ns}/${svc.metadata?.name ?? ''}`,
    namespace: ns,
    labels: svc.metadata?.labels ?? {},
    namespaceLabels,
    families,
    requireAll: requestedIps.length > 0 ? true : requireAll,
    requestedIps,
    pool: annotation(ann, 'address-pool', warnings),
    sharingKey: annotation(ann, 'allow-shared-ip', warnings),
    ports,
    local: spec.externalTrafficPolicy === 'Local',
    selector,
    invalid,
    warnings,
  };
}
