import { describe, expect, it } from 'vitest';
import { metricNames } from './promql-names.js';

describe('metricNames: the metrics a PromQL expression reads', () => {
  it.each([
    { expr: 'up', want: ['up'] },
    { expr: 'absent(up{job="barelb-speaker"} == 1)', want: ['up'] },
    {
      expr: 'sum by (pool, family) (rate(foo_total{a="b", c=~"x|y"}[5m])) / on (instance) group_left bar',
      want: ['bar', 'foo_total'],
    },
    {
      expr: '(a_in_use / a_total > 0.9) and on (instance) (leader == 1)',
      want: ['a_in_use', 'a_total', 'leader'],
    },
    {
      expr: 'histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket[$__rate_interval])))',
      want: ['x_seconds_bucket'],
    },
    { expr: 'count(count by (ip) (announced == 1)) or vector(0)', want: ['announced'] },
    { expr: 'max_over_time(up[1h] offset 5m) unless ignoring (job) down', want: ['down', 'up'] },
    { expr: 'label_values(peers_alive, instance)', want: ['peers_alive'] },
    { expr: 'rate(x[5m]) > bool 1e3', want: ['x'] },
    { expr: 'node:cpu:rate5m{node="a"}', want: ['node:cpu:rate5m'] },
  ])('$expr', ({ expr, want }) => {
    expect(metricNames(expr)).toEqual(want);
  });
});
