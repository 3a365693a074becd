/**
 * The metric names a PromQL expression reads, without a PromQL parser: label matchers, strings, ranges,
 * grouping clauses and function calls are cut away, and what is left that is an identifier and not an
 * operator keyword is a metric name. Good enough for our own rules and dashboard, which the monitoring
 * package's test checks against what BareLB exports; Grafana's `$variables` are dropped too.
 */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function metricNames(expr: string): string[] {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\blabel_values\s*\(([^,)]*)(?:,[^)]*)?\)/g, ' $1 ') // Grafana: label_values(metric, label)
    .replace(/\$\{?\w+\}?/g, ' ') // Grafana variables
    .replace(/\b\d[\w.]*/g, ' '); // numbers and durations: 0.99, 1e3, 5m
  const names = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_:][\w:]*(\s*\()?/g)) {
    const [token = '', call] = m;
    const name = token.replace(/\s*\($/, '');
    if (call || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}
