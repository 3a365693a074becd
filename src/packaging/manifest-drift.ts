import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';

/**
 * Compares two sets of Kubernetes manifests object by object: charts/barelb rendered by `helm template`
 * against deploy/ rendered by `kubectl kustomize` (issue 15: the chart and deploy/ must not drift). Pure:
 * the callers run the tools. Only the differences listed in CHART_DIFFERENCES (and in charts/barelb/README.md)
 * are forgiven; anything else, in any field, is reported with its path.
 */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface Drift {
  /** Objects `deploy/` has and the chart does not, as `kind namespace/name`. */
  readonly onlyInDeploy: string[];
  readonly onlyInChart: string[];
  /** Objects both have that differ, with the paths where they do. */
  readonly differing: { readonly object: string; readonly paths: string[] }[];
}

export function parseManifests(text: string): ManifestObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    const o = doc.toJS() as ManifestObject | null;
    return o === null ? [] : [o];
  });
}

export const objectKey = (o: ManifestObject): string =>
  `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Helm's standard labels (helm.sh/chart and app.kubernetes.io/{managed-by,instance,version}): chart only. */
export const HELM_LABELS = [
  'helm.sh/chart',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
] as const;

/** The bootstrap script's ConfigMap: kustomize's generator names it `barelb-bootstrap-<content hash>`. */
const BOOTSTRAP = /^barelb-bootstrap-[a-z0-9]{10}$/;

/**
 * The documented differences, each a rewrite of one side toward the other. Every one is narrow: it names
 * the object or field it touches, so a change anywhere else still shows.
 */
export const CHART_DIFFERENCES = {
  /** Helm labels every object it manages with these; deploy/ has no release to name. */
  helmLabels(chart: ManifestObject[]): ManifestObject[] {
    return chart.map((o) => {
      const labels = { ...o.metadata.labels };
      for (const l of HELM_LABELS) delete labels[l];
      return { ...o, metadata: { ...o.metadata, labels } };
    });
  },
  /**
   * The chart renders no Namespace: `helm install --create-namespace` makes it, and a Namespace in the
   * chart would clash with that one. Its Pod Security labels are set by hand (docs/quickstart.md).
   */
  noNamespace(deploy: ManifestObject[]): ManifestObject[] {
    return deploy.filter((o) => !(o.apiVersion === 'v1' && o.kind === 'Namespace'));
  },
  /**
   * The bootstrap ConfigMap is `barelb-bootstrap` in the chart, and the controller's pod template carries
   * `checksum/bootstrap` instead, Helm's way to roll the pods when the script changes.
   */
  bootstrapName(deploy: ManifestObject[]): ManifestObject[] {
    return JSON.parse(
      JSON.stringify(deploy, (_k, v: unknown) =>
        typeof v === 'string' && BOOTSTRAP.test(v) ? 'barelb-bootstrap' : v,
      ),
    ) as ManifestObject[];
  },
  bootstrapChecksum(chart: ManifestObject[]): ManifestObject[] {
    return chart.map((o) => {
      if (o.kind !== 'Deployment' || o.metadata.name !== 'barelb-controller') return o;
      const c = structuredClone(o) as ManifestObject & {
        spec: { template: { metadata: { annotations?: Record<string, string> } } };
      };
      delete c.spec.template.metadata.annotations?.['checksum/bootstrap'];
      return c;
    });
  },
} as const;

/** Where two JSON-like values differ, as paths (`spec.template.spec.containers[0].args`). */
export function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects =
    typeof a === 'object' &&
    typeof b === 'object' &&
    a !== null &&
    b !== null &&
    !Array.isArray(a) &&
    !Array.isArray(b);
  if (bothArrays && a.length === b.length)
    return a.flatMap((x, i) => differingPaths(x, b[i], `${path}[${i}]`));
  if (bothObjects) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
    return keys.flatMap((k) => differingPaths(ra[k], rb[k], path === '' ? k : `${path}.${k}`));
  }
  return [path === '' ? '(root)' : path];
}

/** An object with empty label or annotation maps the same as one without them. */
function withoutEmptyMaps(o: ManifestObject): ManifestObject {
  const metadata = { ...o.metadata };
  if (metadata.labels && Object.keys(metadata.labels).length === 0) delete metadata.labels;
  if (metadata.annotations && Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  return { ...o, metadata };
}

export function compareManifests(deploy: ManifestObject[], chart: ManifestObject[]): Drift {
  const d = CHART_DIFFERENCES;
  const left = new Map(
    d.bootstrapName(d.noNamespace(deploy)).map((o) => [objectKey(o), withoutEmptyMaps(o)]),
  );
  const right = new Map(
    d.bootstrapChecksum(d.helmLabels(chart)).map((o) => [objectKey(o), withoutEmptyMaps(o)]),
  );
  const differing = [...left].flatMap(([key, o]) => {
    const other = right.get(key);
    const paths = other === undefined ? [] : differingPaths(o, other);
    return paths.length > 0 ? [{ object: key, paths }] : [];
  });
  return {
    onlyInDeploy: [...left.keys()].filter((k) => !right.has(k)).sort(),
    onlyInChart: [...right.keys()].filter((k) => !left.has(k)).sort(),
    differing,
  };
}
