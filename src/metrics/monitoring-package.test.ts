import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { controllerMetrics } from '../controller/controller-metrics.js';
import { speakerMetrics } from '../speaker/speaker-metrics.js';
import { metricsRead, PROMETHEUS_MADE, readMonitoringPackage } from './monitoring-package.js';

/**
 * deploy/monitoring/ tested for real: promtool (built from the Prometheus module by scripts/setup.sh via
 * scripts/build-promtool.sh) checks the PrometheusRule's rules and runs their unit tests, and every metric
 * the rules and the dashboard read must be one the controller or the speaker exports.
 */
const ROOT = join(import.meta.dirname, '../..');
const PKG = join(ROOT, 'deploy/monitoring');

/** promtool takes seconds on a busy two-core machine. */
const PROMTOOL_MS = 120_000;
const pkg = readMonitoringPackage(PKG);
const { prometheusRule, rules, testFiles, ruleTests } = pkg;
const alerts = rules.flatMap((r) => (r.alert ? [r.alert] : []));

/** The names a scrape of each component shows, from the same constructors main uses. */
async function exportedNames(): Promise<Set<string>> {
  const controller = new Registry();
  collectDefaultMetrics({ register: controller, prefix: 'barelb_controller_' });
  controllerMetrics(controller, {
    configHealth: () => ({ loaded: 1, stale: 0 }),
    pendingByReason: () => new Map(),
  });
  const speaker = new Registry();
  collectDefaultMetrics({ register: speaker, prefix: 'barelb_speaker_' });
  speakerMetrics(speaker);
  const names = new Set<string>();
  for (const registry of [controller, speaker]) {
    for (const m of await registry.getMetricsAsJSON()) {
      names.add(m.name);
      if (String(m.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
    }
  }
  return names;
}

describe('deploy/monitoring: rules, rule tests and dashboard', () => {
  let promtool = '';
  let work = '';

  beforeAll(() => {
    const found = spawnSync(join(ROOT, 'scripts/build-promtool.sh'), ['--no-build'], { encoding: 'utf8' });
    if (found.status !== 0)
      throw new Error(
        `promtool is missing: run scripts/setup.sh (or scripts/build-promtool.sh)\n${found.stderr}`,
      );
    promtool = found.stdout.trim();
    // promtool reads plain rule files: the PrometheusRule's spec is one.
    work = mkdtempSync(join(tmpdir(), 'barelb-monitoring-'));
    writeFileSync(join(work, 'barelb.rules.yaml'), stringify({ groups: prometheusRule.spec.groups }));
    for (const f of testFiles) copyFileSync(join(PKG, 'tests', f), join(work, f));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const run = (args: string[]) => {
    const r = spawnSync(promtool, args, { cwd: work, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('promtool check rules: the rules are valid', { timeout: PROMTOOL_MS }, () => {
    const r = run(['check', 'rules', 'barelb.rules.yaml']);
    expect(r.out).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status, r.out).toBe(0);
  });

  it('promtool test rules: every test passes', { timeout: PROMTOOL_MS }, () => {
    const r = run(['test', 'rules', ...testFiles]);
    expect(r.status, r.out).toBe(0);
  });

  it('promtool test rules fails on a wrong expectation (the run above can fail)', {
    timeout: PROMTOOL_MS,
  }, () => {
    const broken = 'broken.test.yaml';
    const text = readFileSync(join(work, testFiles[0] ?? ''), 'utf8').replace(
      'severity: critical',
      'severity: info',
    );
    writeFileSync(join(work, broken), text);
    expect(run(['test', 'rules', broken]).status).not.toBe(0);
  });

  it.each(alerts)('%s has a test where it fires and one where it stays silent', (alert) => {
    const cases = ruleTests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.alertname === alert));
    expect(cases.some((c) => c.exp_alerts.length > 0)).toBe(true);
    expect(cases.some((c) => c.exp_alerts.length === 0)).toBe(true);
  });

  it('the rules and the dashboard read only metrics BareLB exports', async () => {
    const exported = await exportedNames();
    const used = metricsRead(pkg);
    const unknown = [...used].filter(([name]) => !exported.has(name) && !PROMETHEUS_MADE.has(name));
    expect(unknown).toEqual([]);
    // Enough is read to matter: the check above is not vacuous.
    expect(used.size).toBeGreaterThan(20);
  });

  it('docs/metrics.md describes every metric BareLB defines and every alert', async () => {
    const doc = readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8');
    // prom-client's process and Node.js metrics are described there as a family, not one by one.
    const ours = [...(await exportedNames())].filter(
      (n) => !/^barelb_(controller|speaker)_(process|nodejs)_/.test(n) && !/_(bucket|sum|count)$/.test(n),
    );
    expect(ours.length).toBeGreaterThan(20);
    expect(ours.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
    expect(alerts.filter((a) => !doc.includes(`\`${a}\``))).toEqual([]);
  });

  it('the kustomization lists every manifest, and the dashboard is valid JSON with a fixed uid', () => {
    const k = parse(readFileSync(join(PKG, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
      configMapGenerator: { files: string[]; options: { labels: Record<string, string> } }[];
    };
    const manifests = readdirSync(PKG).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...k.resources].sort()).toEqual(manifests.sort());
    expect(k.configMapGenerator[0]?.options.labels).toEqual({ grafana_dashboard: '1' });
    expect(JSON.parse(readFileSync(join(PKG, 'dashboards/barelb.json'), 'utf8')).uid).toBe('barelb');
  });
});
