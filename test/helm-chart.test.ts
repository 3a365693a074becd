import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/lab/cluster/binaries.js';
import { helmBinary } from '../src/lab/install/helm-install.js';
import type { Lab } from '../src/lab/lab.js';
import { startTestLab } from './support/test-lab.js';

// charts/barelb against the lab's apiserver (issue 15): what `helm template` renders, CRDs included, is
// accepted by `kubectl apply --dry-run=server`, with the default values and with the sample values (a pool
// and an L2Advertisement, which the CRDs' schema and CEL judge); then a real `helm install`, `upgrade` and
// `uninstall` of the release (objects only: its pods are not run here). helm comes from scripts/setup.sh
// (scripts/build-helm.sh); without it this fails. Pure checks (lint, drift from deploy/):
// src/packaging/helm-chart.test.ts.
const CHART = join(REPO_ROOT, 'charts', 'barelb');
/** Not barelb-system, which the lab's own install uses: the chart must follow the release's namespace. */
const NAMESPACE = 'barelb-helm';

describe('helm chart', () => {
  let lab: Lab;
  let helm = '';

  beforeAll(async () => {
    helm = helmBinary();
    lab = await startTestLab('helm-chart', { nodes: 1, speakers: false, demo: false });
    // What `helm install --create-namespace` does first.
    await lab.exec('cp', ['kubectl', 'create', 'namespace', NAMESPACE]);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const render = (...args: string[]) => {
    const r = spawnSync(
      helm,
      ['template', 'barelb', CHART, '--namespace', NAMESPACE, '--include-crds', ...args],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  it.each([
    { values: 'default', args: [], want: [/daemonset.apps\/barelb-speaker created \(server dry run\)/] },
    {
      values: 'ci/sample-values.yaml',
      args: ['-f', join(CHART, 'ci/sample-values.yaml')],
      want: [
        /ipaddresspool.barelb.io\/homelab created \(server dry run\)/,
        /l2advertisement.barelb.io\/homelab created \(server dry run\)/,
      ],
    },
    {
      values:
        'the Grafana dashboard on (ServiceMonitor and PrometheusRule need the Prometheus Operator CRDs, which the lab lacks)',
      args: ['--set', 'metrics.grafanaDashboard.enabled=true'],
      want: [/configmap\/barelb-grafana-dashboard created \(server dry run\)/],
    },
  ])('helm template ($values) | kubectl apply --dry-run=server succeeds', async ({ args, want }) => {
    const r = await lab.exec('cp', ['kubectl', 'apply', '--dry-run=server', '-f', '-'], {
      input: render(...args),
      check: false,
    });
    console.log(r.stdout.trim());
    expect(r.stderr.replace(/Warning: .*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deployment.apps\/barelb-controller created \(server dry run\)/);
    for (const w of want) expect(r.stdout).toMatch(w);
  });

  it('a bad pool given as a value is refused by the CRD at admission', async () => {
    const r = await lab.exec('cp', ['kubectl', 'apply', '--dry-run=server', '-f', '-'], {
      input: render('--set', 'pools[0].name=bad', '--set', 'pools[0].addresses[0]=198.18.0.1/24'),
      check: false,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/The IPAddressPool "bad" is invalid: spec.addresses\[0\]: .*host bits set/);
  });

  // Last: it moves the cluster-wide RBAC the lab's own controller uses over to this release.
  it('helm install takes over objects deploy/ made once they are labelled as docs/upgrading.md says; helm uninstall keeps the CRDs', async () => {
    const helmIn = (...args: string[]) => lab.exec('cp', [helm, ...args], { check: false });
    const get = async (what: string, output: string) =>
      (
        await lab.exec('cp', ['kubectl', '-n', NAMESPACE, 'get', ...what.split(' '), '-o', output])
      ).stdout.trim();
    const objects = [
      'clusterrole/barelb-controller',
      'clusterrole/barelb-speaker',
      'clusterrolebinding/barelb-controller',
      'clusterrolebinding/barelb-speaker',
    ];
    const install = ['install', 'barelb', CHART, '-n', NAMESPACE, '-f', join(CHART, 'ci/sample-values.yaml')];
    const refused = await helmIn(...install);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/exists and cannot be imported into the current release/);
    for (const o of objects) {
      await lab.exec('cp', ['kubectl', 'label', '--overwrite', o, 'app.kubernetes.io/managed-by=Helm']);
      await lab.exec('cp', [
        'kubectl',
        'annotate',
        '--overwrite',
        o,
        'meta.helm.sh/release-name=barelb',
        `meta.helm.sh/release-namespace=${NAMESPACE}`,
      ]);
    }
    const installed = await helmIn(...install);
    console.log(installed.stdout.trim());
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/STATUS: deployed/);
    expect(await get('ipaddresspool homelab', 'jsonpath={.spec.addresses[0]}')).toBe(
      '198.18.100.200-198.18.100.250',
    );
    const upgraded = await helmIn(
      'upgrade',
      'barelb',
      CHART,
      '-n',
      NAMESPACE,
      '-f',
      join(CHART, 'ci/sample-values.yaml'),
      '--set',
      'controller.replicas=3',
    );
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(await get('deployment barelb-controller', 'jsonpath={.spec.replicas}')).toBe('3');
    const removed = await helmIn('uninstall', 'barelb', '-n', NAMESPACE);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await get('deployments,ipaddresspools', 'name')).toBe('');
    const crds = await lab.exec('cp', ['kubectl', 'get', 'crd', 'ipaddresspools.barelb.io', '-o', 'name']);
    expect(crds.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/ipaddresspools.barelb.io');
  });
});
