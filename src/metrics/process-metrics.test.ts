import { describe, expect, it } from 'vitest';
import { registerProcessMetrics } from './process-metrics.js';
import { Registry } from './prom.js';

describe('registerProcessMetrics', () => {
  it("exports prom-client's names for the process, with this process's figures", async () => {
    const r = new Registry();
    registerProcessMetrics(r, 'barelb_test_');
    // Some CPU to count.
    let x = 0;
    for (let i = 0; i < 1e6; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    const values = new Map(
      (await r.getMetricsAsJSON()).map((m) => [
        m.name,
        (m.values[0]?.value as number | undefined) ?? Number.NaN,
      ]),
    );
    expect([...values.keys()].sort()).toEqual([
      'barelb_test_nodejs_eventloop_lag_max_seconds',
      'barelb_test_nodejs_eventloop_lag_p50_seconds',
      'barelb_test_nodejs_eventloop_lag_p99_seconds',
      'barelb_test_nodejs_external_memory_bytes',
      'barelb_test_nodejs_heap_size_total_bytes',
      'barelb_test_nodejs_heap_size_used_bytes',
      'barelb_test_process_cpu_seconds_total',
      'barelb_test_process_open_fds',
      'barelb_test_process_resident_memory_bytes',
      'barelb_test_process_start_time_seconds',
    ]);
    // Within 64 MiB of what the process says a moment later.
    const rss = values.get('barelb_test_process_resident_memory_bytes') ?? 0;
    expect(Math.abs(rss - process.memoryUsage.rss())).toBeLessThan(64 * 2 ** 20);
    expect(values.get('barelb_test_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(values.get('barelb_test_process_open_fds')).toBeGreaterThan(2);
    const start = values.get('barelb_test_process_start_time_seconds') ?? 0;
    expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
  });
});
