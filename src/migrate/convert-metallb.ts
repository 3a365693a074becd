import { parseAllDocuments, stringify } from 'yaml';
import { BGP_SPEC_FIELDS } from '../config/bgp-spec-fields.js';
import { API_VERSION, DEFAULT_NAMESPACE, IP_ADDRESS_POOL, L2_ADVERTISEMENT } from '../config/crd-types.js';
import { isRecord } from '../config/fields.js';
import {
  advertisementCoversPool,
  type BgpConfig,
  buildBgpConfig,
  buildConfig,
  type Config,
  formatConfigError,
  isWarning,
  type L2AdvertisementConfig,
  type PoolConfig,
  selectorsImply,
} from '../config/index.js';
import { normalizeAddressEntry } from './address-entry.js';
import {
  addBgpObject,
  BGP_KIND_VERSIONS,
  type BgpConverted,
  bgpWarnings,
  emptyBgpConverted,
} from './convert-bgp.js';
import { MigrateError } from './migrate-error.js';

// MetalLB configuration (metallb.io/v1beta1 IPAddressPool and L2Advertisement; BGP mode's objects, see
// convert-bgp.ts) to BareLB objects. Pure: text in,
// text and warnings out. BareLB's API copies MetalLB's field for field, so the conversion is a copy that knows
// which fields exist; everything it leaves out or rewrites becomes a warning, and the result is checked with the
// same buildConfig the controller uses, so a problem BareLB would report shows up before anything is applied.

export const METALLB_GROUP = 'metallb.io';

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
/** Written by the API server; meaningless on a new object, so left out without a word. */
const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);
/** Annotations that tie an object to the tool that applied the MetalLB one. */
const TOOL_ANNOTATION_PREFIXES = ['kubectl.kubernetes.io/', 'meta.helm.sh/', 'argocd.argoproj.io/'];

const POOL_SPEC = ['addresses', 'autoAssign', 'avoidBuggyIPs', 'serviceAllocation'];
const SERVICE_ALLOCATION = ['priority', 'namespaces', 'namespaceSelectors', 'serviceSelectors'];
const L2_SPEC = [
  'ipAddressPools',
  'ipAddressPoolSelectors',
  'nodeSelectors',
  'serviceSelectors',
  'interfaces',
];
const SELECTOR = ['matchLabels', 'matchExpressions'];

export interface ConvertOptions {
  /** Namespace of the BareLB objects; default barelb-system. */
  readonly namespace?: string;
}

/** A BareLB object as written out. */
export interface ConvertedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
  };
  readonly spec?: unknown;
}

export interface ConvertResult {
  /** The BareLB objects as multi-document YAML, pools first; '' when there was nothing to convert. */
  readonly yaml: string;
  readonly objects: readonly ConvertedObject[];
  /** Objects and fields left out, values rewritten, and what BareLB would report about the result. */
  readonly warnings: readonly string[];
  /**
   * The warnings about spec fields left out: a selector (or part of one), whose loss would make the result
   * announce or allocate for more than the input did, or a field BareLB does not know, whose loss changes
   * something nobody can name. `barelb migrate` refuses to write a result with any.
   */
  readonly refused: readonly string[];
}

/** A note about the conversion; `refuses` when leaving something out changes what the result does. */
type Warn = (message: string, refuses?: boolean) => void;

/**
 * Converts MetalLB YAML (any number of documents, `kind: List` as `kubectl get -o yaml` prints it) to BareLB.
 * Throws MigrateError INVALID_YAML when the text is not YAML: converting part of a broken file would silently
 * lose objects.
 */
export function convertMetalLB(text: string, options: ConvertOptions = {}): ConvertResult {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const warnings: string[] = [];
  const refused: string[] = [];
  const note: Warn = (m, refuses) => {
    warnings.push(m);
    if (refuses) refused.push(m);
  };
  const pools: ConvertedObject[] = [];
  const ads: ConvertedObject[] = [];
  const bgp: ConvertedObject[] = [];

  // YAML 1.1, as kubectl reads it: `autoAssign: yes` reached MetalLB as true.
  const docs = parseAllDocuments(text, { version: '1.1' });
  docs.forEach((doc, i) => {
    const [error] = doc.errors;
    if (error)
      throw new MigrateError('INVALID_YAML', `document ${i + 1}: ${error.message}`, { cause: error });
  });

  docs.forEach((doc, i) => {
    const where = `document ${i + 1}`;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    for (const item of expandList(value, where, (m) => warnings.push(m))) {
      const converted = convertObject(item.value, item.where, namespace, note);
      if (converted?.kind === IP_ADDRESS_POOL.kind) pools.push(converted);
      else if (converted?.kind === L2_ADVERTISEMENT.kind) ads.push(converted);
      else if (converted) bgp.push(converted);
    }
  });

  const objects = [...pools, ...ads, ...bgp];
  if (objects.length === 0) {
    warnings.push('no MetalLB configuration object found (IPAddressPool, L2Advertisement or a BGP kind)');
    return { yaml: '', objects, warnings, refused };
  }
  const config = buildConfig(pools, ads);
  for (const e of config.errors) {
    warnings.push(
      `${formatConfigError(e)} (BareLB ${isWarning(e) ? 'reports this and keeps the object' : 'refuses this object'})`,
    );
  }
  const bgpObjects: BgpConverted = emptyBgpConverted();
  for (const o of bgp) addBgpObject(bgpObjects, o.kind, o);
  const bgpConfig = buildBgpConfig(bgpObjects, new Set(pools.map((p) => p.metadata.name)));
  if (bgp.length > 0) warnings.push(...bgpWarnings(bgpConfig));
  warnings.push(
    ...uncoveredPools(config, bgpConfig, { l2Advertisements: ads.length, bgpObjects: bgp.length }),
  );
  const header = '# BareLB configuration converted from MetalLB by `barelb migrate`.\n';
  const yaml = header + objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0 })).join('---\n');
  return { yaml, objects, warnings, refused };
}

/**
 * A warning for each valid pool no valid L2Advertisement or BGPAdvertisement covers (by name or pool
 * selector), or that L2Advertisements cover only for some Services (every one that covers it has
 * serviceSelectors): BareLB would hand out its addresses and announce none, or none of the other
 * Services'. Said only when the input has advertisements or BGP objects, so one was meant to cover it
 * (one BareLB refuses covers nothing); pools with neither are a normal split of the config over files.
 */
function uncoveredPools(
  config: Config,
  bgp: BgpConfig,
  input: { l2Advertisements: number; bgpObjects: number },
): string[] {
  if (input.l2Advertisements === 0 && input.bgpObjects === 0) return [];
  const warnings: string[] = [];
  for (const p of config.pools.values()) {
    const covering = config.l2Advertisements.filter((a) => advertisementCoversPool(a, p));
    const byBgp = bgp.advertisements.some((a) => advertisementCoversPool(a, p));
    if (covering.length === 0 && byBgp) continue;
    if (covering.length === 0) {
      warnings.push(
        `IPAddressPool ${p.name}: no L2Advertisement or BGPAdvertisement covers it (by name or by pool selector), so BareLB would allocate its addresses and announce none; add it to an advertisement or leave the pool out`,
      );
    } else if (!announcedForEveryService(p, covering)) {
      warnings.push(
        `IPAddressPool ${p.name}: only L2Advertisements with serviceSelectors (${covering.map((a) => a.name).join(', ')}) cover it, so a Service they do not select would get an address from it and no announcement; check that every Service the pool serves matches one, or add an L2Advertisement without serviceSelectors`,
      );
    }
  }
  return warnings;
}

/**
 * Whether some covering advertisement applies to every Service the pool can serve: one without
 * serviceSelectors, or, when the pool itself serves only Services matching its serviceSelectors, ads whose
 * selectors provably match each of those.
 */
function announcedForEveryService(pool: PoolConfig, covering: readonly L2AdvertisementConfig[]): boolean {
  if (covering.some((a) => a.serviceSelectors.length === 0)) return true;
  const served = pool.allocation.serviceSelectors;
  return (
    served.length > 0 &&
    selectorsImply(
      served,
      covering.flatMap((a) => a.serviceSelectors),
    )
  );
}

/** A `kind: List` (or `IPAddressPoolList`, ...) becomes its items; anything else is itself. */
function expandList(value: unknown, where: string, warn: Warn): { value: unknown; where: string }[] {
  if (!isRecord(value) || typeof value.kind !== 'string' || !value.kind.endsWith('List')) {
    return [{ value, where }];
  }
  if (!Array.isArray(value.items)) {
    warn(`${where}: ${value.kind} without items; left out`);
    return [];
  }
  // Items of a typed list may leave out what the list already says.
  const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
  return value.items.map((item: unknown, j) => ({
    value:
      isRecord(item) && itemKind !== undefined
        ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
        : item,
    where: `${where}, item ${j + 1}`,
  }));
}

function convertObject(
  raw: unknown,
  where: string,
  namespace: string,
  warn: Warn,
): ConvertedObject | undefined {
  if (!isRecord(raw)) {
    warn(`${where}: not a Kubernetes object; left out`);
    return undefined;
  }
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const ns = typeof meta.namespace === 'string' ? `${meta.namespace}/` : '';
  const ref = name === '' ? `${kind || 'object'} in ${where}` : `${kind} ${ns}${name}`;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];

  if (group !== METALLB_GROUP) {
    if (kind === 'ConfigMap' && isRecord(raw.data) && typeof raw.data.config === 'string') {
      warn(
        `${ref}: MetalLB's ConfigMap configuration (before v0.13) is not read; convert it to custom resources ` +
          'with MetalLB first, then run barelb migrate on those; left out',
      );
    } else if (apiVersion === API_VERSION) {
      warn(`${ref}: already a BareLB object; left out`);
    } else {
      warn(`${ref}: not a MetalLB object (apiVersion "${apiVersion}"); left out`);
    }
    return undefined;
  }
  const bgpVersions = BGP_KIND_VERSIONS.get(kind);
  if (kind !== IP_ADDRESS_POOL.kind && kind !== L2_ADVERTISEMENT.kind && !bgpVersions) {
    warn(`${ref}: ${kind || 'an object without kind'} has no BareLB counterpart; left out`);
    return undefined;
  }
  if (name === '') {
    warn(`${ref}: no metadata.name; left out`);
    return undefined;
  }
  const w: Warn = (m, refuses) => warn(`${ref}: ${m}`, refuses);
  const versions = bgpVersions ?? ['v1beta1'];
  if (!versions.includes(version ?? '')) w(`${apiVersion} read as ${METALLB_GROUP}/${versions[0]}`);
  for (const key of Object.keys(raw)) if (!TOP_LEVEL.has(key)) w(`${key}: unknown field, left out`);

  const metadata: ConvertedObject['metadata'] = { name, namespace };
  for (const [key, v] of Object.entries(meta)) {
    if (key === 'name' || key === 'namespace' || SERVER_METADATA.has(key)) continue;
    if (key === 'labels' && isRecord(v)) metadata.labels = { ...v };
    else if (key === 'annotations' && isRecord(v)) {
      const isTool = (k: string) => TOOL_ANNOTATION_PREFIXES.some((p) => k.startsWith(p));
      // kubectl's last-applied-configuration goes without a word: it is on every applied object.
      const dropped = Object.keys(v).filter((k) => isTool(k) && !k.startsWith('kubectl.kubernetes.io/'));
      if (dropped.length > 0)
        w(`annotations ${dropped.join(', ')} belong to the tool that applied it; left out`);
      const kept = Object.entries(v).filter(([k]) => !isTool(k));
      if (kept.length > 0) metadata.annotations = Object.fromEntries(kept);
    } else w(`metadata.${key}: left out`);
  }

  const bgpFields = BGP_SPEC_FIELDS.get(kind);
  const spec =
    kind === IP_ADDRESS_POOL.kind
      ? poolSpec(raw.spec, w)
      : bgpFields
        ? bgpSpec(raw.spec, bgpFields, w, { secretsFrom: meta.namespace, secretsIn: namespace })
        : l2Spec(raw.spec, w);
  return {
    apiVersion: API_VERSION,
    kind,
    metadata,
    ...(spec === undefined ? {} : { spec }),
  };
}

function poolSpec(raw: unknown, warn: Warn): unknown {
  if (!isRecord(raw)) return raw; // absent or malformed: buildConfig says what is wrong
  const spec = known(raw, POOL_SPEC, 'spec', warn);
  if (Array.isArray(spec.addresses)) {
    spec.addresses = spec.addresses.map((entry: unknown, i) => {
      if (typeof entry !== 'string') return entry;
      const n = normalizeAddressEntry(entry);
      if (n.note) warn(`spec.addresses[${i}]: ${n.note}`);
      return n.entry;
    });
  }
  if (isRecord(spec.serviceAllocation)) {
    const sa = known(spec.serviceAllocation, SERVICE_ALLOCATION, 'spec.serviceAllocation', warn);
    selectors(sa, 'namespaceSelectors', 'spec.serviceAllocation', warn);
    selectors(sa, 'serviceSelectors', 'spec.serviceAllocation', warn);
    // MetalLB reads priority 0 as unset, the lowest; BareLB reads 0 as the highest. Other values
    // mean the same in both (lower first), so only 0 changes: it becomes no priority.
    if (sa.priority === 0) {
      delete sa.priority;
      warn(
        'spec.serviceAllocation.priority: 0 means no priority in MetalLB (tried last); left out, which means the same in BareLB',
      );
    }
    spec.serviceAllocation = sa;
  }
  return spec;
}

function l2Spec(raw: unknown, warn: Warn): unknown {
  if (!isRecord(raw)) return raw;
  const spec = known(raw, L2_SPEC, 'spec', warn);
  selectors(spec, 'ipAddressPoolSelectors', 'spec', warn);
  selectors(spec, 'nodeSelectors', 'spec', warn);
  selectors(spec, 'serviceSelectors', 'spec', warn);
  return spec;
}

/** BGP kinds: the fields BareLB has, and their selectors as selectors (BGPPeer and BGPAdvertisement). */
function bgpSpec(
  raw: unknown,
  fields: readonly string[],
  warn: Warn,
  ns: { readonly secretsFrom: unknown; readonly secretsIn: string },
): unknown {
  if (!isRecord(raw)) return raw;
  const spec = known(raw, fields, 'spec', warn);
  selectors(spec, 'ipAddressPoolSelectors', 'spec', warn);
  selectors(spec, 'nodeSelectors', 'spec', warn);
  // A password Secret is read in the speaker's own namespace, as MetalLB reads it in its own: the
  // reference moves with the objects, and the Secret has to be copied there.
  const ref = spec.passwordSecret;
  if (isRecord(ref) && typeof ref.name === 'string') {
    const from =
      typeof ref.namespace === 'string' ? ref.namespace : (ns.secretsFrom ?? "MetalLB's namespace");
    const { namespace: _dropped, ...rest } = ref;
    spec.passwordSecret = rest;
    warn(
      `spec.passwordSecret: copy Secret ${ref.name} from ${String(from)} to ${ns.secretsIn} (type kubernetes.io/basic-auth, key "password"): BareLB's speakers read it there`,
    );
  }
  return spec;
}

/**
 * A copy of the fields BareLB has; every other field is reported and left out, and refuses the conversion:
 * BareLB has every spec field of MetalLB v0.16's configuration kinds, so one it does not know
 * comes from a newer MetalLB (or a typo MetalLB's API server would have refused), and what it did is unknown.
 */
function known(
  obj: Record<string, unknown>,
  fields: readonly string[],
  path: string,
  warn: Warn,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (fields.includes(k)) out[k] = v;
    else warn(`${path}.${k}: unknown field, left out, ${whatLeavingOutChanges(path)}`, true);
  }
  return out;
}

/**
 * What leaving a field out would change. Inside a selector, any part narrows what the selector matches, so
 * without it the object applies to more; elsewhere the effect cannot be known.
 */
function whatLeavingOutChanges(path: string): string {
  const inSelector = /selectors\[\d+\]$/i.test(path);
  return inSelector ? 'which would widen what it selects' : 'which may change what is allocated or announced';
}

/** Label selectors keep matchLabels and matchExpressions, in place. */
function selectors(parent: Record<string, unknown>, field: string, path: string, warn: Warn): void {
  const list = parent[field];
  if (!Array.isArray(list)) return;
  parent[field] = list.map((s: unknown, i) =>
    isRecord(s) ? known(s, SELECTOR, `${path}.${field}[${i}]`, warn) : s,
  );
}
