import type { Labels } from '../config/label-selector.js';
import type { Family } from '../net/address.js';
import { interpret } from './intent.js';

export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServicePort {
  /** TCP, UDP or SCTP; Kubernetes defaults a missing protocol to TCP. */
  readonly protocol: string;
  readonly port: number;
}

/**
 * What the allocator needs to know about one Service, as plain data: the fields as the Service
 * carries them, uninterpreted. The allocator reads annotations and family policy itself, so a
 * request built by hand (tests, tools) and one built by `serviceRequestFrom` behave the same.
 */
export interface ServiceRequest {
  /** `namespace/name`: holdings are keyed by it. */
  readonly key: string;
  readonly namespace: string;
  /** The Service's labels, for serviceSelectors. */
  readonly labels: Labels;
  /** Its namespace's labels, for namespaceSelectors. */
  readonly namespaceLabels: Labels;
  readonly annotations: Labels;
  /** spec.loadBalancerIP: deprecated by Kubernetes, still honoured; the annotation wins over it. */
  readonly loadBalancerIP?: string | undefined;
  /** spec.ipFamilies, in order: the first is the primary family. */
  readonly ipFamilies: readonly Family[];
  /** spec.ipFamilyPolicy; missing means SingleStack. */
  readonly ipFamilyPolicy?: IPFamilyPolicy | undefined;
  readonly ports: readonly ServicePort[];
  readonly externalTrafficPolicy?: 'Cluster' | 'Local' | undefined;
  /** spec.selector (the pod selector): Local Services share an IP only with the same one. */
  readonly selector: Labels;
}

/** The subset of a core/v1 Service read here; a `V1Service` from @kubernetes/client-node fits it. */
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

/** A request plus what the Service asks in deprecated or contradictory ways, for Events. */
export type BuiltServiceRequest = ServiceRequest & { readonly warnings: readonly string[] };

/**
 * Builds the request from a Service object. Pure and total: objects that do not look like a
 * Service (missing or mistyped fields) give a request the allocator then refuses with a reason.
 */
export function serviceRequestFrom(svc: ServiceLike, namespaceLabels: Labels): BuiltServiceRequest {
  const meta = record(record(svc).metadata);
  const spec = record(record(svc).spec);
  const namespace = text(meta.namespace) ?? '';
  const name = text(meta.name) ?? '';
  const policy = text(spec.ipFamilyPolicy);
  const etp = text(spec.externalTrafficPolicy);
  const loadBalancerIP = text(spec.loadBalancerIP);
  const req: ServiceRequest = {
    key: name === '' ? '' : `${namespace}/${name}`,
    namespace,
    labels: strings(meta.labels),
    namespaceLabels: strings(namespaceLabels),
    annotations: strings(meta.annotations),
    ...(loadBalancerIP !== undefined && loadBalancerIP !== '' ? { loadBalancerIP } : {}),
    ipFamilies: list(spec.ipFamilies).filter((f): f is Family => f === 'IPv4' || f === 'IPv6'),
    ...(policy === 'SingleStack' || policy === 'PreferDualStack' || policy === 'RequireDualStack'
      ? { ipFamilyPolicy: policy }
      : {}),
    ports: list(spec.ports).flatMap((p) => {
      const port = record(p).port;
      if (typeof port !== 'number' || !Number.isInteger(port)) return [];
      return [{ protocol: text(record(p).protocol) ?? 'TCP', port }];
    }),
    ...(etp === 'Cluster' || etp === 'Local' ? { externalTrafficPolicy: etp } : {}),
    selector: strings(spec.selector),
  };
  const read = interpret(req);
  return { ...req, warnings: read.warnings };
}

function record(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

function text(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

function list(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

/** Only the string-valued entries: a label map with anything else in it is not one we can match. */
function strings(x: unknown): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(x))) if (typeof v === 'string') out[k] = v;
  return out;
}
