/**
 * The process metrics BareLB's dashboards and alerts read, with prom-client's names so they stay
 * what operators know: CPU, memory, open files, start time and event-loop delay. prom-client's own
 * collector would load @opentelemetry/api and every default metric with it (see prom.ts; issue 14).
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from './prom.js';

/** Event-loop delay is sampled every 10 ms, prom-client's default resolution. */
const LOOP_RESOLUTION_MS = 10;

/** Registers the process metrics on `registry`, every name starting with `prefix`. */
export function registerProcessMetrics(registry: Registry, prefix: string): void {
  const registers = [registry];
  let lastCpu = process.cpuUsage();
  new Counter({
    name: `${prefix}process_cpu_seconds_total`,
    help: 'Total user and system CPU time spent in seconds.',
    registers,
    collect() {
      const now = process.cpuUsage();
      this.inc((now.user - lastCpu.user + now.system - lastCpu.system) / 1e6);
      lastCpu = now;
    },
  });
  new Gauge({
    name: `${prefix}process_resident_memory_bytes`,
    help: 'Resident memory size in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  const heap = new Gauge({
    name: `${prefix}nodejs_heap_size_used_bytes`,
    help: 'Process heap size used from Node.js in bytes.',
    registers,
  });
  const heapTotal = new Gauge({
    name: `${prefix}nodejs_heap_size_total_bytes`,
    help: 'Process heap size from Node.js in bytes.',
    registers,
  });
  new Gauge({
    name: `${prefix}nodejs_external_memory_bytes`,
    help: 'Node.js external memory size in bytes.',
    registers,
    collect() {
      const m = process.memoryUsage();
      heap.set(m.heapUsed);
      heapTotal.set(m.heapTotal);
      this.set(m.external);
    },
  });
  new Gauge({
    name: `${prefix}process_open_fds`,
    help: 'Number of open file descriptors.',
    registers,
    collect() {
      try {
        this.set(readdirSync('/proc/self/fd').length);
      } catch {
        // Not Linux: leave it unset rather than report a wrong number.
      }
    },
  });
  new Gauge({
    name: `${prefix}process_start_time_seconds`,
    help: 'Start time of the process since unix epoch in seconds.',
    registers,
  }).set(Math.round((Date.now() - process.uptime() * 1000) / 1000));

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const seconds = (ns: number) => ns / 1e9;
  const p50 = new Gauge({
    name: `${prefix}nodejs_eventloop_lag_p50_seconds`,
    help: 'The 50th percentile of the recorded event loop delays.',
    registers,
  });
  const max = new Gauge({
    name: `${prefix}nodejs_eventloop_lag_max_seconds`,
    help: 'The maximum recorded event loop delay.',
    registers,
  });
  new Gauge({
    name: `${prefix}nodejs_eventloop_lag_p99_seconds`,
    help: 'The 99th percentile of the recorded event loop delays.',
    registers,
    collect() {
      // Each scrape reports the delays since the last one, as prom-client does.
      p50.set(seconds(loop.percentile(50)));
      max.set(seconds(loop.max));
      this.set(seconds(loop.percentile(99)));
      loop.reset();
    },
  });
}
