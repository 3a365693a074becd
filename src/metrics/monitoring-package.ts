import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { metricNames } from './promql-names.js';

/**
 * What deploy/monitoring/ reads: its PrometheusRule, the rules' promtool tests and the Grafana dashboard,
 * and every metric name their PromQL uses. Shared by the unit test (against the metrics the code
 * defines) and the lab test (against what a running controller and speaker really export).
 */
export interface MonitoringRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
}

export interface PromtoolTests {
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

/** Series Prometheus makes itself, not BareLB. */
export const PROMETHEUS_MADE: ReadonlySet<string> = new Set(['up']);

export function readMonitoringPackage(dir: string) {
  const prometheusRule = parse(readFileSync(join(dir, 'prometheus-rule.yaml'), 'utf8')) as {
    kind: string;
    spec: { groups: { name: string; rules: MonitoringRule[] }[] };
  };
  const rules = prometheusRule.spec.groups.flatMap((g) => g.rules);
  const testFiles = readdirSync(join(dir, 'tests')).filter((f) => f.endsWith('.test.yaml'));
  const ruleTests = testFiles.flatMap(
    (f) => (parse(readFileSync(join(dir, 'tests', f), 'utf8')) as PromtoolTests).tests,
  );
  const dashboard = JSON.parse(readFileSync(join(dir, 'dashboards/barelb.json'), 'utf8')) as {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { query?: unknown }[] };
  };
  const queries = dashboard.templating.list.flatMap((v) =>
    typeof v.query === 'string' && v.query.includes('(') ? [v.query] : [],
  );
  const dashboardExprs = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...queries,
  ];
  return { prometheusRule, rules, testFiles, ruleTests, dashboardExprs };
}

/** Metric name → where the package reads it (a rule or the dashboard). */
export function metricsRead(pkg: ReturnType<typeof readMonitoringPackage>): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const sources = [
    ...pkg.rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
    ...pkg.dashboardExprs.map((expr) => ({ where: 'dashboard', expr })),
  ];
  for (const { where, expr } of sources)
    for (const name of metricNames(expr)) used.set(name, [...(used.get(name) ?? []), where]);
  return used;
}

/** The metric names a Prometheus text exposition declares (its TYPE lines, with a histogram's series). */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type] = m;
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}
