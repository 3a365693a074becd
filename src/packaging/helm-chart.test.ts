import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries } from '../lab/cluster/binaries.js';
import {
  compareManifests,
  differingPaths,
  HELM_LABELS,
  type ManifestObject,
  objectKey,
  parseManifests,
} from './manifest-drift.js';

/**
 * charts/barelb against deploy/ (issue 15): helm (built from its Go module by scripts/setup.sh via
 * scripts/build-helm.sh) lints the chart and renders it, kubectl (the lab's, scripts/build-lab-binaries.sh)
 * renders deploy/ with kustomize, and the two must give the same objects but for the differences
 * manifest-drift.ts forgives. No cluster: test/helm-chart.test.ts sends the chart to the lab's apiserver.
 */
const ROOT = join(import.meta.dirname, '../..');
const CHART = join(ROOT, 'charts/barelb');
/** helm and kubectl start in seconds, but the machine is small and busy. */
const TOOL_MS = 120_000;

let helm = '';
let kubectl = '';

function run(cmd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}
const template = (...args: string[]) =>
  parseManifests(
    ok(helm, ['template', 'barelb', CHART, '--namespace', 'barelb-system', '--include-crds', ...args]),
  );
const kustomize = (dir: string) => parseManifests(ok(kubectl, ['kustomize', join(ROOT, dir)]));
const find = (objs: ManifestObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${objs.map(objectKey).join(', ')}`);
  return o as ManifestObject & { spec: Record<string, never> };
};

/** Fails, never skips, when helm is missing (scripts/setup.sh builds it). */
async function findTools(): Promise<void> {
  if (helm !== '') return;
  const found = spawnSync(join(ROOT, 'scripts/build-helm.sh'), ['--no-build'], { encoding: 'utf8' });
  if (found.status !== 0)
    throw new Error(`helm is missing: run scripts/setup.sh (or scripts/build-helm.sh)\n${found.stderr}`);
  helm = found.stdout.trim();
  kubectl = join(await ensureBinaries(), 'kubectl');
}
const TOOLS_MS = 600_000;

describe('differingPaths', () => {
  it.each([
    { a: { x: 1 }, b: { x: 1 }, want: [] },
    { a: { x: 1 }, b: { x: 2 }, want: ['x'] },
    { a: { x: { y: [1, 2] } }, b: { x: { y: [1, 3] } }, want: ['x.y[1]'] },
    { a: { x: [1, 2] }, b: { x: [1] }, want: ['x'] },
    { a: { x: 1 }, b: { y: 1 }, want: ['x', 'y'] },
    { a: { x: '1' }, b: { x: 1 }, want: ['x'] },
    { a: 1, b: 2, want: ['(root)'] },
  ])('$a vs $b → $want', ({ a, b, want }) => {
    expect(differingPaths(a, b)).toEqual(want);
  });
});

describe('charts/barelb', { timeout: TOOL_MS }, () => {
  beforeAll(findTools, TOOLS_MS);

  it('helm lint passes with the default and with the sample values', () => {
    for (const extra of [[], ['-f', join(CHART, 'ci/sample-values.yaml')]]) {
      const r = run(helm, ['lint', '--strict', CHART, ...extra]);
      console.log(`helm lint ${extra.join(' ')}:\n${r.stdout.trim()}`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('the chart, its app and deploy/ carry the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const chart = parseManifests(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'))[0] as unknown as {
      version: string;
      appVersion: string;
    };
    expect({ version: chart.version, appVersion: chart.appVersion }).toEqual({
      version,
      appVersion: version,
    });
    const images = template().flatMap(
      (o) => JSON.stringify(o).match(/ghcr\.io\/barelb\/barelb:[^"]+/g) ?? [],
    );
    expect(new Set(images)).toEqual(new Set([`ghcr.io/barelb/barelb:${version}`]));
  });

  it('crds/ and files/ are the copies of config/crd and deploy/ that scripts/sync-chart.sh makes', () => {
    const pairs: [string, string][] = [
      ['deploy/bootstrap/ensure-memberlist-secret.cjs', 'files/ensure-memberlist-secret.cjs'],
      ['deploy/monitoring/service-monitors.yaml', 'files/monitoring/service-monitors.yaml'],
      ['deploy/monitoring/prometheus-rule.yaml', 'files/monitoring/prometheus-rule.yaml'],
      ['deploy/monitoring/dashboards/barelb.json', 'files/monitoring/barelb.json'],
    ];
    const crds = readdirSync(join(ROOT, 'config/crd')).filter((f) => f.startsWith('barelb.io_'));
    expect(readdirSync(join(CHART, 'crds')).sort()).toEqual(crds.sort());
    for (const f of crds) pairs.push([`config/crd/${f}`, `crds/${f}`]);
    for (const [source, copy] of pairs)
      expect(
        readFileSync(join(CHART, copy), 'utf8') === readFileSync(join(ROOT, source), 'utf8'),
        `charts/barelb/${copy} differs from ${source}: run scripts/sync-chart.sh`,
      ).toBe(true);
  });

  it('with default values it renders what kubectl kustomize deploy/ does', () => {
    const deploy = kustomize('deploy');
    const chart = template();
    const drift = compareManifests(deploy, chart);
    console.log(`compared ${deploy.length} objects of deploy/ with ${chart.length} of the chart`);
    expect(drift).toEqual({ onlyInDeploy: [], onlyInChart: [], differing: [] });
    expect(deploy.length).toBeGreaterThan(15);
  });

  it('with metrics switched on it renders what kubectl kustomize deploy/monitoring does', () => {
    const monitoring = kustomize('deploy/monitoring');
    const base = new Set(template().map(objectKey));
    const added = template(
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'metrics.prometheusRule.enabled=true',
      '--set',
      'metrics.grafanaDashboard.enabled=true',
    ).filter((o) => !base.has(objectKey(o)));
    expect(compareManifests(monitoring, added)).toEqual({
      onlyInDeploy: [],
      onlyInChart: [],
      differing: [],
    });
    expect(added.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'PrometheusRule',
      'ServiceMonitor',
      'ServiceMonitor',
    ]);
  });

  // The comparison can fail: a real difference, made through helm or by editing an object, shows.
  it.each([
    {
      name: 'a value that changes the speaker',
      set: ['--set', 'speaker.resources.limits.memory=1Gi'],
      want: { object: 'DaemonSet barelb-system/barelb-speaker', path: /resources\.limits\.memory/ },
    },
    {
      name: 'another image tag',
      set: ['--set', 'image.tag=0.2.0'],
      want: { object: 'Deployment barelb-system/barelb-controller', path: /containers\[0\]\.image/ },
    },
    {
      name: 'one controller replica',
      set: ['--set', 'controller.replicas=1'],
      want: { object: 'Deployment barelb-system/barelb-controller', path: /^spec\.replicas$/ },
    },
  ])('helm template with $name differs from deploy/', ({ set, want }) => {
    const drift = compareManifests(kustomize('deploy'), template(...set));
    const hit = drift.differing.find((d) => d.object === want.object);
    expect(
      hit?.paths.some((p) => want.path.test(p)),
      JSON.stringify(drift),
    ).toBe(true);
  });

  it.each([
    {
      name: 'a changed container argument',
      edit: (o: ManifestObject) => {
        if (o.kind === 'DaemonSet')
          (o as never as DaemonSetLike).spec.template.spec.containers[0].args = ['x'];
      },
      want: /DaemonSet .*containers\[0\]\.args/,
    },
    {
      name: 'an RBAC rule more',
      edit: (o: ManifestObject) => {
        if (o.kind === 'Role' && o.metadata.name === 'barelb-speaker')
          (o as never as { rules: unknown[] }).rules.push({
            apiGroups: [''],
            resources: ['configmaps'],
            verbs: ['get'],
          });
      },
      want: /Role barelb-system\/barelb-speaker: rules/,
    },
    {
      name: 'another namespace',
      edit: (o: ManifestObject) => {
        if (o.kind === 'Service') o.metadata.namespace = 'elsewhere';
      },
      want: /only in deploy: Service barelb-system\/barelb-controller-metrics/,
    },
    {
      name: 'a label of deploy/ missing',
      edit: (o: ManifestObject) => {
        if (o.kind === 'ServiceAccount') delete o.metadata.labels?.['app.kubernetes.io/part-of'];
      },
      want: /ServiceAccount .*metadata\.labels\.app\.kubernetes\.io\/part-of/,
    },
    {
      name: 'a CRD changed',
      edit: (o: ManifestObject) => {
        if (o.kind === 'CustomResourceDefinition')
          (o as never as { spec: { scope: string } }).spec.scope = 'Cluster';
      },
      want: /CustomResourceDefinition \/ipaddresspools\.barelb\.io: spec\.scope/,
    },
  ])('an edited chart object is caught: $name', ({ edit, want }) => {
    const chart = template();
    for (const o of chart) edit(o);
    const drift = compareManifests(kustomize('deploy'), chart);
    const lines = [
      ...drift.onlyInDeploy.map((k) => `only in deploy: ${k}`),
      ...drift.onlyInChart.map((k) => `only in chart: ${k}`),
      ...drift.differing.flatMap((d) => d.paths.map((p) => `${d.object}: ${p}`)),
    ];
    expect(
      lines.some((l) => want.test(l)),
      lines.join('\n'),
    ).toBe(true);
  });

  it('only the documented differences are forgiven: Helm labels, the Namespace, the bootstrap name', () => {
    const chart = template();
    const ds = find(chart, 'DaemonSet', 'barelb-speaker');
    for (const l of HELM_LABELS) expect(ds.metadata.labels).toHaveProperty([l]);
    expect(chart.some((o) => o.kind === 'Namespace')).toBe(false);
    expect(kustomize('deploy').some((o) => o.kind === 'Namespace')).toBe(true);
    // A Helm label on a pod template would be a real difference: templates must match deploy/'s.
    const labelled = structuredClone(chart);
    const t = find(labelled, 'DaemonSet', 'barelb-speaker').spec as unknown as DaemonSetLike['spec'];
    t.template.metadata.labels['app.kubernetes.io/instance'] = 'barelb';
    expect(compareManifests(kustomize('deploy'), labelled).differing).toHaveLength(1);
  });
});

interface DaemonSetLike {
  spec: {
    template: { metadata: { labels: Record<string, string> }; spec: { containers: [{ args: string[] }] } };
  };
}

describe('charts/barelb values', { timeout: TOOL_MS }, () => {
  beforeAll(findTools, TOOLS_MS);

  it('the sample values: a pool and an L2Advertisement, the operator’s key, one controller', () => {
    const objs = template('-f', join(CHART, 'ci/sample-values.yaml'));
    const pool = find(objs, 'IPAddressPool', 'homelab');
    expect(pool.metadata.namespace).toBe('barelb-system');
    expect(pool.spec).toEqual({ addresses: ['198.18.100.200-198.18.100.250'] });
    expect(find(objs, 'L2Advertisement', 'homelab').spec).toEqual({ ipAddressPools: ['homelab'] });
    // The key is the operator's: no init container, no bootstrap script, no right to create Secrets.
    const controller = find(objs, 'Deployment', 'barelb-controller') as unknown as {
      spec: { replicas: number; template: { spec: { initContainers?: unknown; volumes?: unknown } } };
    };
    expect(controller.spec.replicas).toBe(1);
    expect(controller.spec.template.spec.initContainers).toBeUndefined();
    expect(controller.spec.template.spec.volumes).toBeUndefined();
    expect(objs.some((o) => o.kind === 'ConfigMap')).toBe(false);
    expect(JSON.stringify(find(objs, 'Role', 'barelb-controller'))).not.toMatch(/secrets/);
    expect(JSON.stringify(find(objs, 'DaemonSet', 'barelb-speaker'))).toMatch(
      /"secretKeyRef":\{"name":"my-heartbeat-key","key":"secretkey","optional":false\}/,
    );
    // One replica: no PodDisruptionBudget, whose minAvailable: 1 would block every drain.
    expect(objs.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  it('no pools and no advertisements by default, and the release namespace everywhere', () => {
    const objs = parseManifests(ok(helm, ['template', 'x', CHART, '--namespace', 'lb']));
    expect(objs.filter((o) => o.kind === 'IPAddressPool' || o.kind === 'L2Advertisement')).toEqual([]);
    const namespaced = objs.filter((o) => !o.kind.startsWith('Cluster'));
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['lb']));
    expect(JSON.stringify(find(objs, 'ClusterRoleBinding', 'barelb-speaker'))).toMatch(/"namespace":"lb"/);
  });

  // values.schema.json: a misspelt or mistyped value is refused, not rendered into something else.
  it.each([
    { set: 'pools[0].addresses[0]=198.18.0.0/28', want: /at '\/pools\/0': missing property 'name'/ },
    { set: 'pool[0].name=a', want: /additional properties 'pool' not allowed/ },
    { set: 'controller.replica=3', want: /additional properties 'replica' not allowed/ },
    { set: 'controller.replicas=0', want: /at '\/controller\/replicas': minimum/ },
    { set: 'image.pullPolicy=always', want: /at '\/image\/pullPolicy'/ },
    { set: 'metrics.serviceMonitor.enabled=yes', want: /at '\/metrics\/serviceMonitor\/enabled'/ },
  ])('--set $set is refused with a message', ({ set, want }) => {
    const r = run(helm, ['template', 'x', CHART, '--set', set]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(want);
  });
});
