import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConfigHealth } from './config-health.js';

/**
 * The controller's metrics, registered on the registry main passes in. `config` is read at every scrape
 * for the config-loaded and config-stale gauges, so they follow the watches without a timer.
 */
export function controllerMetrics(registry: Registry, config: () => ConfigHealth) {
  const registers = [registry];
  return {
    addressesTotal: new Gauge({
      name: 'barelb_allocator_addresses_total',
      help: 'Usable addresses in each pool, by family',
      labelNames: ['pool', 'family'] as const,
      registers,
    }),
    addressesInUse: new Gauge({
      name: 'barelb_allocator_addresses_in_use',
      help: 'Addresses assigned to Services in each pool, by family',
      labelNames: ['pool', 'family'] as const,
      registers,
    }),
    allocations: new Counter({
      name: 'barelb_controller_allocations_total',
      help: 'Successful IP allocations',
      labelNames: ['pool'] as const,
      registers,
    }),
    allocationFailures: new Counter({
      name: 'barelb_controller_allocation_failures_total',
      help: 'Refused allocations by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    reconcileSeconds: new Histogram({
      name: 'barelb_controller_reconcile_duration_seconds',
      help: 'Time to reconcile one key, including API writes',
      labelNames: ['kind', 'result'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'barelb_controller_queue_depth',
      help: 'Keys waiting in the work queue',
      registers,
    }),
    apiErrors: new Counter({
      name: 'barelb_controller_api_errors_total',
      help: 'Failed calls to the Kubernetes API by operation',
      labelNames: ['op'] as const,
      registers,
    }),
    configLoaded: new Gauge({
      name: 'barelb_controller_config_loaded',
      help: '1 when the pool and advertisement config in use was built without errors (every object is in it)',
      registers,
      collect() {
        this.set(config().loaded);
      },
    }),
    configStale: new Gauge({
      name: 'barelb_controller_config_stale',
      help: '1 when the config in use may lag behind the API: the pool or advertisement watch is down',
      registers,
      collect() {
        this.set(config().stale);
      },
    }),
    isLeader: new Gauge({
      name: 'barelb_controller_leader',
      help: '1 while this replica is the leader',
      registers,
    }),
  };
}

export type ControllerMetrics = ReturnType<typeof controllerMetrics>;
