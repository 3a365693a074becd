import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { apiErrorFields } from '../k8s/api-error-text.js';
import { systemClock } from '../k8s/clock.js';
import { ApiEventRecorder } from '../k8s/event-recorder.js';
import { LeaderElector } from '../k8s/leader-election.js';
import { apiLeaseClient } from '../k8s/lease-client.js';
import { loadKubeApi } from '../k8s/load-kube-api.js';
import { apiPoolStatusWriter } from '../k8s/pool-status-writer.js';
import { apiServiceStatusWriter } from '../k8s/service-status-writer.js';
import { startHttpServer } from '../metrics/http-server.js';
import { HeapTrimmer } from '../runtime/heap-trim.js';
import { stopSignal } from '../runtime/stop-signal.js';
import { Controller } from './controller.js';
import { controllerMetrics } from './controller-metrics.js';

export interface ControllerOptions {
  readonly kubeconfig?: string | undefined;
  readonly lbClass: string;
  readonly namespace: string;
  readonly metricsAddr: string;
  readonly identity: string;
  readonly leaseName: string;
  readonly workers: number;
}

/** Runs the controller until SIGTERM/SIGINT: informers always, the worker only while leader. */
export async function runController(opts: ControllerOptions, log: Logger): Promise<void> {
  const signal = stopSignal(log);
  const api = await loadKubeApi(opts.kubeconfig, log.child({ component: 'kubeconfig' }));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'barelb_controller_' });
  // Read at scrape time only, once the controller exists.
  const metrics = controllerMetrics(registry, {
    configHealth: () => controller.configHealth(),
    pendingByReason: () => controller.pendingByReason(),
  });
  const clock = systemClock;
  const identity = opts.identity || `${hostname()}-${process.pid}`;
  let elector: LeaderElector | undefined;
  const events = new ApiEventRecorder(
    api,
    'barelb-controller',
    identity,
    log.child({ component: 'events' }),
    clock,
    // Called only once events flow, after the controller exists.
    () => controller.busy,
  );
  const heap = new HeapTrimmer(clock, log.child({ component: 'heap' }));
  const controller: Controller = new Controller({
    api,
    log: log.child({ component: 'controller' }),
    clock,
    metrics,
    events,
    services: apiServiceStatusWriter(api),
    pools: apiPoolStatusWriter(api),
    lbClass: opts.lbClass,
    namespace: opts.namespace,
    isLeader: () => elector?.isLeader() ?? false,
    workers: opts.workers,
    onDrained: () => heap.workEnded(),
  });
  let synced = false;
  const server = await startHttpServer(
    opts.metricsAddr,
    registry,
    {
      healthy: () => true,
      ready: () => (synced ? controller.ready() : { ok: false, reason: 'caches not synced' }),
    },
    log.child({ component: 'http' }),
  );
  // The Lease comes first and the Services list right after it: a replica that wins the Lease at
  // start-up then builds on that one list instead of listing 1,000 Services twice (takeover-list.ts;
  // issue 14: start -> first IP). The small caches fill meanwhile.
  let cachesSynced: Promise<void> = Promise.resolve();
  elector = new LeaderElector(
    apiLeaseClient(api),
    opts.namespace,
    opts.leaseName,
    identity,
    {
      onStartedLeading: () => {
        metrics.isLeader.set(1);
        const leadingSince = clock.now();
        void cachesSynced
          // Lost again while the caches filled: onStoppedLeading already ran; nothing to take over.
          .then(() => (elector?.isLeader() ? controller.lead(leadingSince) : undefined))
          .catch((err: unknown) => {
            const fields = apiErrorFields(err);
            log.error(
              { event: 'lead_failed', ...fields },
              `could not take over as leader, stepping down: ${fields.reason}`,
            );
            void elector?.stop().then(() => elector?.start());
          });
      },
      onStoppedLeading: () => {
        metrics.isLeader.set(0);
        controller.follow();
      },
    },
    clock,
    log.child({ component: 'leader-election' }),
  );
  elector.start();
  cachesSynced = controller.start(elector.firstAttempt).then(() => {
    synced = true;
    log.info({ event: 'caches_synced' }, 'caches synced');
  });
  await cachesSynced;
  signal.running();
  const sig = await signal.stopped;
  log.info({ event: 'shutdown', signal: sig }, 'shutting down');
  await elector.stop();
  heap.stop();
  await controller.stop();
  // After the Lease is released: a successor takes over while the last Events are written.
  await events.stop();
  server.close();
}
