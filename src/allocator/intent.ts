import { type Address, type Family, formatAddress, parseAddress } from '../net/address.js';
import { readAnnotation } from './annotations.js';
import type { Applicant } from './eligibility.js';
import { type Problem, problem } from './refusal.js';
import type { ServiceRequest } from './service-request.js';

/** What Services must agree on to hold one IP together (see sharing.ts). */
export interface ShareTerms {
  /** The allow-shared-ip value; undefined: this Service shares with nobody. */
  readonly sharingKey: string | undefined;
  /**
   * `cluster`, or `local:` and the canonical pod selector. With externalTrafficPolicy: Local only
   * nodes with a local endpoint may announce the IP, so every Service on it must pick the same pods.
   */
  readonly backend: string;
  /** `protocol/port`, sorted, without duplicates. */
  readonly ports: readonly string[];
}

/** A request read: what the Service asks for, once annotations and family policy are applied. */
export interface Intent {
  readonly key: string;
  /** Families to serve, primary first. */
  readonly families: readonly Family[];
  /** Every family in `families` must be served (SingleStack, RequireDualStack, explicit IPs). */
  readonly requireAll: boolean;
  /** Explicitly requested addresses, in `families` order; empty for automatic allocation. */
  readonly requested: readonly Address[];
  readonly pool: string | undefined;
  readonly share: ShareTerms;
  /** Namespace and labels, for the pools' serviceAllocation. */
  readonly applicant: Applicant;
}

export type Reading =
  | { readonly ok: true; readonly intent: Intent; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problem: Problem; readonly warnings: readonly string[] };

const POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'] as const;

/**
 * Reads a request. Total: whatever the fields hold (the request may come from a hand-written
 * object), the answer is an intent or a refusal, never an exception.
 */
export function interpret(req: ServiceRequest): Reading {
  const r = asRecord(req);
  const warnings: string[] = [];
  const fail = (reason: Problem['reason'], message: string): Reading => ({
    ok: false,
    problem: problem(reason, message),
    warnings,
  });
  const annotations = asRecord(r.annotations);
  const ipsAnnotation = readAnnotation(annotations, 'loadBalancerIPs', warnings);
  const pool = readAnnotation(annotations, 'address-pool', warnings)?.value;
  const sharingKey = readAnnotation(annotations, 'allow-shared-ip', warnings)?.value;
  const specIp = typeof r.loadBalancerIP === 'string' ? r.loadBalancerIP.trim() : '';

  if (specIp !== '' && ipsAnnotation) {
    const same = canonicalList(specIp) === canonicalList(ipsAnnotation.value);
    warnings.push(
      same
        ? `spec.loadBalancerIP is deprecated and repeats ${ipsAnnotation.from}; remove it`
        : `spec.loadBalancerIP (${specIp}) is deprecated and ignored: ${ipsAnnotation.from} (${ipsAnnotation.value}) wins`,
    );
  }
  if (typeof r.key !== 'string' || r.key === '')
    return fail('InvalidRequest', 'the request has no namespace/name key');

  // Explicit addresses: the annotation wins over the deprecated spec field.
  const source = ipsAnnotation ? ipsAnnotation.from : 'spec.loadBalancerIP';
  const requestedText = (ipsAnnotation?.value ?? specIp)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const requested: Address[] = [];
  for (const t of requestedText) {
    const a = parseAddress(t);
    if (!a) return fail('BadAddress', `"${t}" in ${source} is not an IP address`);
    if (requested.some((x) => x.family === a.family))
      return fail(
        'TooManyIPs',
        `${source} names more than one ${a.family} address (${requestedText.join(', ')}); at most one per family`,
      );
    requested.push(a);
  }

  const listed = [...new Set(asArray(r.ipFamilies).filter(isFamily))];
  const policy = POLICIES.find((p) => p === r.ipFamilyPolicy) ?? 'SingleStack';
  const primary: Family = listed[0] ?? requested[0]?.family ?? 'IPv4';
  const other: Family = primary === 'IPv4' ? 'IPv6' : 'IPv4';
  // PreferDualStack follows ipFamilies: on a single-stack cluster the API server lists one family,
  // and an address of the other would be one kube-proxy never routes.
  let families: Family[] =
    policy === 'SingleStack'
      ? [primary]
      : policy === 'PreferDualStack' && listed.length > 0
        ? listed
        : [primary, other];
  let requireAll = policy !== 'PreferDualStack';

  if (requested.length > 0) {
    const stray = requested.find((a) => !families.includes(a.family));
    if (stray)
      return fail(
        'FamilyMismatch',
        `${source} asks for ${formatAddress(stray)} but the Service is ${policy} ${families.join('/')}`,
      );
    if (policy === 'RequireDualStack' && requested.length < families.length)
      return fail(
        'FamilyMismatch',
        `a RequireDualStack Service must name one address of each family in ${source}, not only ${requested.map(formatAddress).join(', ')}`,
      );
    families = families.filter((f) => requested.some((a) => a.family === f));
    requested.sort((a, b) => families.indexOf(a.family) - families.indexOf(b.family));
    requireAll = true;
  }

  const local = r.externalTrafficPolicy === 'Local';
  return {
    ok: true,
    intent: {
      key: r.key,
      families,
      requireAll,
      requested,
      pool,
      applicant: {
        namespace: typeof r.namespace === 'string' ? r.namespace : '',
        namespaceLabels: stringValues(r.namespaceLabels),
        labels: stringValues(r.labels),
      },
      share: {
        sharingKey,
        backend: local ? `local:${canonicalSelector(asRecord(r.selector))}` : 'cluster',
        ports: [...new Set(asArray(r.ports).flatMap(portKey))].sort(),
      },
    },
    warnings,
  };
}

/** The warnings reading a request gives (for Events), whether or not it can be served. */
export function requestWarnings(req: ServiceRequest): readonly string[] {
  return interpret(req).warnings;
}

function portKey(p: unknown): string[] {
  const { protocol, port } = asRecord(p);
  if (typeof port !== 'number' || !Number.isInteger(port)) return [];
  return [`${typeof protocol === 'string' && protocol !== '' ? protocol : 'TCP'}/${port}`];
}

function canonicalSelector(selector: Record<string, unknown>): string {
  return Object.entries(stringValues(selector))
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
}

function stringValues(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(x))) if (typeof v === 'string') out[k] = v;
  return out;
}

function canonicalList(textList: string): string {
  return textList
    .split(',')
    .map((t) => {
      const a = parseAddress(t);
      return a ? formatAddress(a) : t.trim();
    })
    .filter((t) => t !== '')
    .sort()
    .join(',');
}

function isFamily(x: unknown): x is Family {
  return x === 'IPv4' || x === 'IPv6';
}

function asRecord(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
}

function asArray(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}
