/**
 * What the informers keep of each object: the fields the controller and speaker read, no more
 * (issue 14). A Node carries its image list, capacity and heartbeat times; every object its
 * managedFields, often larger than the rest. Pure; each takes the object as it came from the API.
 */
import type {
  KubernetesObject,
  V1EndpointSlice,
  V1Lease,
  V1Namespace,
  V1Node,
  V1ObjectMeta,
  V1Service,
} from '@kubernetes/client-node';

type Rec = Record<string, unknown>;
export const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' ? (v as Rec) : {});

/** kubectl apply's copy of the whole object: as large as the object, never read. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Times stay the strings the API server sent: nothing here parses them, and client-node's types
 * (which say Date, as its deserializer would make) are kept for the code that reads the objects.
 */
type Meta = V1ObjectMeta;

/** Identity, version, labels and annotations; no managedFields, owners, finalizers. */
export function trimMeta(m: unknown, keep: { annotations?: boolean; labels?: boolean } = {}): Meta {
  const r = rec(m);
  const out: Meta = {};
  for (const k of ['name', 'namespace', 'uid', 'resourceVersion'] as const)
    if (typeof r[k] === 'string') out[k] = r[k];
  for (const k of ['creationTimestamp', 'deletionTimestamp'] as const)
    if (typeof r[k] === 'string') out[k] = r[k] as unknown as Date;
  if (typeof r.generation === 'number') out.generation = r.generation;
  if ((keep.labels ?? true) && r.labels) out.labels = r.labels as Record<string, string>;
  if ((keep.annotations ?? true) && r.annotations) {
    const { [LAST_APPLIED]: _, ...rest } = r.annotations as Record<string, string>;
    out.annotations = rest;
  }
  return out;
}

/**
 * Services: their spec and status are what allocation and announcement are made of; their labels stay
 * (trimMeta's default) for pools' and L2Advertisements' serviceSelectors.
 */
export function trimService(o: unknown): V1Service {
  const r = rec(o);
  const out: V1Service = { metadata: trimMeta(r.metadata) };
  if (r.spec) out.spec = r.spec as NonNullable<V1Service['spec']>;
  if (r.status) out.status = r.status as NonNullable<V1Service['status']>;
  return out;
}

/** EndpointSlices: which Service, and per endpoint its node and conditions (not its addresses). */
export function trimEndpointSlice(o: unknown): V1EndpointSlice {
  const r = rec(o);
  const meta = trimMeta(r.metadata, { annotations: false });
  const service = meta.labels?.['kubernetes.io/service-name'];
  meta.labels = service === undefined ? {} : { 'kubernetes.io/service-name': service };
  const endpoints = Array.isArray(r.endpoints) ? r.endpoints : [];
  return {
    addressType: String(r.addressType ?? ''),
    metadata: meta,
    endpoints: endpoints.map((e) => {
      const x = rec(e);
      return {
        addresses: [],
        ...(typeof x.nodeName === 'string' ? { nodeName: x.nodeName } : {}),
        ...(x.conditions ? { conditions: x.conditions as Record<string, boolean> } : {}),
      };
    }),
  };
}

/** Nodes: labels, exclusion taints and conditions, and the addresses peers are reached at. */
export function trimNode(o: unknown): V1Node {
  const r = rec(o);
  const spec = rec(r.spec);
  const status = rec(r.status);
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return {
    metadata: trimMeta(r.metadata, { annotations: false }),
    spec: Array.isArray(spec.taints) ? { taints: spec.taints as { key: string; effect: string }[] } : {},
    status: {
      addresses: (status.addresses ?? []) as { type: string; address: string }[],
      // Heartbeat and transition times change every few seconds and are never read.
      conditions: conditions.map((c) => ({ type: String(rec(c).type), status: String(rec(c).status) })),
    },
  };
}

/** Leases: who holds them and when they were renewed. */
export function trimLease(o: unknown): V1Lease {
  const r = rec(o);
  const out: V1Lease = { metadata: trimMeta(r.metadata, { annotations: false, labels: false }) };
  if (r.spec) out.spec = r.spec as NonNullable<V1Lease['spec']>;
  return out;
}

/** Namespaces: their labels, for pools' namespace selectors. */
export function trimNamespace(o: unknown): V1Namespace {
  return { metadata: trimMeta(rec(o).metadata, { annotations: false }) };
}

/** BareLB's own objects (pools, advertisements, ServiceL2Status): spec and status as they are. */
export function trimCustom(o: unknown): KubernetesObject & Record<string, unknown> {
  const r = rec(o);
  const out: KubernetesObject & Record<string, unknown> = { metadata: trimMeta(r.metadata) };
  if (typeof r.apiVersion === 'string') out.apiVersion = r.apiVersion;
  if (typeof r.kind === 'string') out.kind = r.kind;
  if (r.spec !== undefined) out.spec = r.spec;
  if (r.status !== undefined) out.status = r.status;
  return out;
}
