import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConfigHealth } from './config-health.js';

/** What the controller's gauges read at each scrape, so they never go stale between reconciles. */
export interface ControllerReadings {
  configHealth(): ConfigHealth;
  /** Services waiting for addresses, counted by the reason of their last refusal. */
  pendingByReason(): ReadonlyMap<string, number>;
}

/** The controller's metrics, registered on the registry main passes in. */
export function controllerMetrics(registry: Registry, read: ControllerReadings) {
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
    servicesPending: new Gauge({
      name: 'barelb_controller_services_pending',
      help: 'LoadBalancer Services that want addresses and have none, by the reason of the last refusal',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of read.pendingByReason()) this.set({ reason }, n);
      },
    }),
    configLoaded: new Gauge({
      name: 'barelb_controller_config_loaded',
      help: '1 when the pool and advertisement config in use was built without errors (every object is in it)',
      registers,
      collect() {
        this.set(read.configHealth().loaded);
      },
    }),
    configStale: new Gauge({
      name: 'barelb_controller_config_stale',
      help: '1 when the config in use may lag behind the API: the pool or advertisement watch is down',
      registers,
      collect() {
        this.set(read.configHealth().stale);
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
