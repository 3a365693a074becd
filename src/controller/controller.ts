import type { KubernetesObject, V1Namespace, V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Allocator } from '../allocator/index.js';
import { API_VERSION, IP_ADDRESS_POOL, L2_ADVERTISEMENT } from '../config/crd-types.js';
import { buildConfig, type Config } from '../config/index.js';
import type { Clock, TimerHandle } from '../k8s/clock.js';
import type { EventRecorder } from '../k8s/event-recorder.js';
import { type KubeApi, statusCode } from '../k8s/kube-api.js';
import type { PoolStatusWriter } from '../k8s/pool-status-writer.js';
import { ResilientInformer } from '../k8s/resilient-informer.js';
import type { ServiceStatusWriter } from '../k8s/service-status-writer.js';
import { trimCustom, trimNamespace, trimService } from '../k8s/trim.js';
import { WorkQueue } from '../k8s/workqueue.js';
import { type ConfigHealth, configHealth } from './config-health.js';
import type { ControllerMetrics } from './controller-metrics.js';
import { poolStatuses } from './pool-status.js';
import { rebuildAllocator } from './rebuild.js';
import { reconcileFailureLog } from './reconcile-failure-log.js';
import { reconcileService } from './reconcile-service.js';
import { serviceKey } from './service-class.js';
import { SpecChanges } from './spec-changes.js';
import { LEASE_FIRST_WAIT_MS, mustRelistOnLead } from './takeover-list.js';

export interface ControllerDeps {
  readonly api: KubeApi;
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics: ControllerMetrics;
  readonly events: EventRecorder;
  readonly services: ServiceStatusWriter;
  readonly pools: PoolStatusWriter;
  readonly lbClass: string;
  /** Namespace holding IPAddressPools and L2Advertisements. */
  readonly namespace: string;
  /** Checked right before every write: a replica that lost its lease stops writing at once. */
  readonly isLeader: () => boolean;
  /** Concurrent reconciles (client-go's worker count). */
  readonly workers: number;
  /** Called whenever the work queue drains (the shell trims the C heap after a quiet spell). */
  readonly onDrained?: () => void;
}

const CONFIG_KEY = '@config';
const POOL_STATUS_KEY = '@pool-status';
/** Pool status is a summary; writing it at most once a second keeps 1,000 allocations from costing 1,000 more writes. */
const POOL_STATUS_DELAY_MS = 1_000;

type AnyObject = KubernetesObject & Record<string, unknown>;

/**
 * The controller: informers fill caches and enqueue keys; workers take keys from the queue,
 * reconciles them against the in-memory allocator and writes the outcome. Only the leader runs the
 * worker; every replica keeps its caches warm so a new leader starts at once.
 */
export class Controller {
  private readonly queue: WorkQueue;
  private alloc = new Allocator();
  private config: Config | undefined;
  /** Services waiting for addresses → the reason of their last refusal. */
  private readonly pending = new Map<string, string>();
  private running = false;
  private workers: Promise<void>[] | undefined;
  private readonly svcInformer: ResilientInformer<V1Service>;
  private readonly nsInformer: ResilientInformer<V1Namespace>;
  private readonly poolInformer: ResilientInformer<AnyObject>;
  private readonly adInformer: ResilientInformer<AnyObject>;
  private lastPoolStatus = new Map<string, string>();

  constructor(private readonly d: ControllerDeps) {
    this.queue = new WorkQueue(d.clock, { onDrained: () => d.onDrained?.() });
    const log = d.log.child({ component: 'informer' });
    const opts = <T>(op: string, trim: (o: unknown) => T) => ({
      clock: d.clock,
      onError: () => d.metrics.apiErrors.inc({ op }),
      trim,
    });
    const enqueueSvc = (s: V1Service) => this.queue.add(serviceKey(s));
    this.svcInformer = new ResilientInformer<V1Service>(
      d.api,
      '/api/v1/services',
      { onAdd: enqueueSvc, onUpdate: enqueueSvc, onDelete: enqueueSvc },
      log,
      opts('watch_services', trimService),
    );
    const onNamespace = (ns: V1Namespace) => {
      for (const s of this.svcInformer.items())
        if (s.metadata?.namespace === ns.metadata?.name) enqueueSvc(s);
    };
    this.nsInformer = new ResilientInformer<V1Namespace>(
      d.api,
      '/api/v1/namespaces',
      { onAdd: onNamespace, onUpdate: onNamespace },
      log,
      opts('watch_namespaces', trimNamespace),
    );
    // Only spec changes resync the config: our own pool status writes come back as updates too.
    const specs = new SpecChanges();
    const onConfig = (o: AnyObject) => {
      if (specs.changed(o)) this.queue.add(CONFIG_KEY);
    };
    const onConfigDeleted = (o: AnyObject) => {
      specs.forget(o);
      this.queue.add(CONFIG_KEY);
    };
    const crdPath = (plural: string) => `/apis/${API_VERSION}/namespaces/${d.namespace}/${plural}`;
    this.poolInformer = new ResilientInformer<AnyObject>(
      d.api,
      crdPath(IP_ADDRESS_POOL.plural),
      { onAdd: onConfig, onUpdate: onConfig, onDelete: onConfigDeleted },
      log,
      opts('watch_pools', trimCustom),
    );
    this.adInformer = new ResilientInformer<AnyObject>(
      d.api,
      crdPath(L2_ADVERTISEMENT.plural),
      { onAdd: onConfig, onUpdate: onConfig, onDelete: onConfigDeleted },
      log,
      opts('watch_l2advertisements', trimCustom),
    );
  }

  /**
   * Starts the informers and waits until every cache is filled. The Services informer first waits
   * for `servicesAfter` (the first Lease attempt; at most LEASE_FIRST_WAIT_MS), so a replica that
   * wins the Lease at start-up lists Services once, after winning (see takeover-list.ts).
   */
  async start(servicesAfter: Promise<unknown> = Promise.resolve()): Promise<void> {
    const small = [this.nsInformer, this.poolInformer, this.adInformer];
    await Promise.all(small.map((i) => i.start()));
    let timer: TimerHandle | undefined;
    await Promise.race([
      servicesAfter.catch(() => undefined),
      new Promise<void>((r) => {
        timer = this.d.clock.setTimeout(r, LEASE_FIRST_WAIT_MS);
      }),
    ]);
    if (timer) this.d.clock.clearTimeout(timer);
    await this.svcInformer.start();
    await Promise.all([...small, this.svcInformer].map((i) => i.synced()));
  }

  /** Ready when every watch runs. */
  ready(): { ok: true } | { ok: false; reason: string } {
    const down = [
      ['services', this.svcInformer],
      ['namespaces', this.nsInformer],
      ['ipaddresspools', this.poolInformer],
      ['l2advertisements', this.adInformer],
    ].filter(([, i]) => !(i as ResilientInformer<KubernetesObject>).isHealthy());
    return down.length === 0
      ? { ok: true }
      : { ok: false, reason: `watch down: ${down.map(([n]) => n).join(', ')}` };
  }

  /** The config-loaded and config-stale gauges' values now (read at each scrape). */
  configHealth(): ConfigHealth {
    return configHealth({
      errors: this.config?.errors,
      watchesUp: this.poolInformer.isHealthy() && this.adInformer.isHealthy(),
    });
  }

  pendingByReason(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const reason of this.pending.values()) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    return counts;
  }

  /**
   * Leadership gained (at `leadingSince`, on the controller's clock): rebuild the allocator from a
   * fresh, consistent list of Services (a cache listed before then may lag behind what the previous
   * leader wrote; one listed after is used as it is), Services holding IPs first, then reconcile all.
   */
  async lead(leadingSince: number): Promise<void> {
    let fresh: { items: readonly V1Service[] };
    if (mustRelistOnLead(this.svcInformer.listedAt(), leadingSince)) {
      const list = await this.d.api.request<{ items?: unknown[] }>('GET', '/api/v1/services');
      fresh = { items: (list.items ?? []).map(trimService) };
    } else fresh = { items: this.svcInformer.items() };
    this.config = this.buildConfig();
    this.alloc = new Allocator();
    // Every Service is reconciled again below; what another leader resolved meanwhile must not linger.
    this.pending.clear();
    this.alloc.setPools([...this.config.pools.values()]);
    const rebuilt = rebuildAllocator(this.alloc, fresh.items, this.d.lbClass, (ns) =>
      this.namespaceLabels(ns),
    );
    this.d.log.info(
      { event: 'allocator_rebuilt', services: rebuilt.assigned, conflicts: rebuilt.refused.length },
      'allocator rebuilt from Service status',
    );
    this.running = true;
    this.queue.add(CONFIG_KEY);
    for (const s of fresh.items) this.queue.add(serviceKey(s));
    // Decisions are synchronous against the in-memory allocator; only the writes wait on the network,
    // so several workers keep the apiserver busy while the queue still never runs one key twice at once.
    this.workers ??= Array.from({ length: this.d.workers }, () => this.work());
  }

  /** True while Services wait for, or are in, a reconcile: their status writes come before events. */
  get busy(): boolean {
    return this.queue.busy;
  }

  /** Leadership lost: stop taking keys. Writes in flight are refused by the isLeader check. */
  follow(): void {
    this.running = false;
    this.pending.clear();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.queue.shutDown();
    await Promise.all(
      [this.svcInformer, this.nsInformer, this.poolInformer, this.adInformer].map((i) => i.stop()),
    );
    await Promise.all(this.workers ?? []);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.d.metrics.queueDepth.set(this.queue.length);
      if (!this.running) {
        // Not the leader: leave the key for whoever leads; it is re-listed on leadership anyway.
        this.queue.done(key);
        continue;
      }
      const end = this.d.metrics.reconcileSeconds.startTimer();
      let kind = 'service';
      try {
        if (key === CONFIG_KEY) {
          kind = 'config';
          this.syncConfig();
        } else if (key === POOL_STATUS_KEY) {
          kind = 'pool_status';
          await this.writePoolStatuses();
        } else {
          await this.syncService(key);
        }
        this.queue.forget(key);
        end({ kind, result: 'ok' });
      } catch (err) {
        end({ kind, result: 'error' });
        const line = reconcileFailureLog(key, err, this.queue.retries(key));
        this.d.log[line.level](line.fields, line.msg);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private buildConfig(): Config {
    return buildConfig(this.poolInformer.items(), this.adInformer.items());
  }

  private syncConfig(): void {
    const config = this.buildConfig();
    this.config = config;
    const lost = this.alloc.setPools([...config.pools.values()]);
    for (const key of lost) {
      this.d.log.info({ event: 'ip_lost_to_config', service: key }, "pool change took this Service's IPs");
    }
    for (const e of config.errors) {
      this.d.log.warn(
        { event: 'config_invalid', kind: e.kind, name: e.name, path: e.path, reason: e.reason },
        e.message,
      );
    }
    // Every Service gets another look: some lost IPs, pending ones may now fit.
    for (const s of this.svcInformer.items()) this.queue.add(serviceKey(s));
    this.queue.addAfter(POOL_STATUS_KEY, 0);
  }

  private namespaceLabels(ns: string): Record<string, string> {
    return this.nsInformer.get(ns)?.metadata?.labels ?? {};
  }

  private async syncService(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const svc = this.svcInformer.get(name, namespace);
    const plan = reconcileService(this.alloc, {
      key,
      svc,
      lbClass: this.d.lbClass,
      namespaceLabels: this.namespaceLabels(namespace),
    });
    // Releases decided up to here are what the write below shows; later ones (a config change on
    // another worker while this write is in flight) wait for a later write.
    const mark = this.alloc.mark();
    if (plan.failure) this.d.metrics.allocationFailures.inc({ reason: plan.failure });
    if (plan.pending) this.pending.set(key, plan.failure ?? 'Unknown');
    else this.pending.delete(key);
    let released = plan.released;
    if (plan.write && svc) {
      if (!this.d.isLeader()) throw new Error('not the leader: refusing to write');
      try {
        await this.d.services.write({
          namespace,
          name,
          resourceVersion: svc.metadata?.resourceVersion ?? '',
          ingress: plan.write.ingress,
          annotations: plan.write.annotations,
        });
      } catch (err) {
        this.d.metrics.apiErrors.inc({ op: 'write_service_status' });
        // 404: deleted meanwhile, its delete event releases it. 409: the cache is behind; the
        // update event that is on its way requeues the key. Anything else: retry with backoff.
        // Either way what it released stays quarantined: the API may still show it.
        if (statusCode(err) === 404) return;
        throw err;
      }
      // The conditional patch replaced the whole ingress list: the API now shows exactly the
      // decision, so what the Service released before it may go to others.
      released = this.alloc.confirmReleased(key, mark).length > 0 || released;
      if (plan.allocatedFrom && plan.write.ingress.length > 0)
        this.d.metrics.allocations.inc({ pool: plan.allocatedFrom });
    }
    if (svc) {
      const ref = { kind: 'Service', apiVersion: 'v1', namespace, name, uid: svc.metadata?.uid };
      for (const e of plan.events) this.d.events.record(ref, e.type, e.reason, e.message);
    }
    if (released) for (const k of this.pending.keys()) if (k !== key) this.queue.add(k);
    this.queue.addAfter(POOL_STATUS_KEY, POOL_STATUS_DELAY_MS);
  }

  private async writePoolStatuses(): Promise<void> {
    if (!this.config) return;
    const statuses = poolStatuses(
      this.config,
      this.poolInformer.items(),
      this.alloc,
      new Date(this.d.clock.now()),
    );
    for (const s of statuses) {
      this.d.metrics.addressesTotal.set({ pool: s.name, family: 'IPv4' }, Number(s.totalIPv4));
      this.d.metrics.addressesTotal.set({ pool: s.name, family: 'IPv6' }, Number(s.totalIPv6));
      this.d.metrics.addressesInUse.set({ pool: s.name, family: 'IPv4' }, s.status.assignedIPv4);
      this.d.metrics.addressesInUse.set({ pool: s.name, family: 'IPv6' }, s.status.assignedIPv6);
      const json = JSON.stringify(s.statusWithoutTimes);
      if (this.lastPoolStatus.get(s.name) === json) continue;
      if (!this.d.isLeader()) return;
      try {
        await this.d.pools.write(this.d.namespace, s.name, s.status);
        this.lastPoolStatus.set(s.name, json);
      } catch (err) {
        this.d.metrics.apiErrors.inc({ op: 'write_pool_status' });
        if (statusCode(err) !== 404) throw err;
      }
      for (const e of s.events) {
        this.d.events.record(
          {
            kind: IP_ADDRESS_POOL.kind,
            apiVersion: API_VERSION,
            namespace: this.d.namespace,
            name: s.name,
            uid: s.uid,
          },
          e.type,
          e.reason,
          e.message,
        );
      }
    }
  }
}
