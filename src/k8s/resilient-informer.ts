import {
  ADD,
  DELETE,
  ERROR,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  type ObjectCache,
  UPDATE,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { apiErrorFields } from './api-error-text.js';
import { type Clock, systemClock, type TimerHandle } from './clock.js';

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(obj: T): void;
  onDelete?(obj: T): void;
}

/**
 * An informer that keeps itself alive. client-node's informer stops for good on the first error
 * (apiserver restart, network cut, expired token); this one restarts it with exponential backoff.
 * A restart resumes the watch from the last resourceVersion; when that is too old the server answers
 * 410 Gone and the informer relists, emitting deletes for objects that vanished meanwhile.
 * Its health feeds readiness: unhealthy from an error until the watch runs again.
 */
export class ResilientInformer<T extends KubernetesObject> {
  private informer: (Informer<T> & ObjectCache<T>) | undefined;
  private retryTimer: TimerHandle | undefined;
  private failures = 0;
  private stopped = true;
  private healthy = false;
  private hasSynced = false;
  private syncWaiters: (() => void)[] = [];

  constructor(
    private readonly kc: KubeConfig,
    private readonly path: string,
    private readonly list: () => Promise<KubernetesListObject<T>>,
    private readonly handlers: InformerHandlers<T>,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async start(signal?: AbortSignal): Promise<void> {
    this.stopped = false;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    const inf = makeInformer<T>(this.kc, this.path, this.list);
    if (this.handlers.onAdd) inf.on(ADD, (o) => this.handlers.onAdd?.(o));
    if (this.handlers.onUpdate) inf.on(UPDATE, (o) => this.handlers.onUpdate?.(o));
    if (this.handlers.onDelete) inf.on(DELETE, (o) => this.handlers.onDelete?.(o));
    inf.on(ERROR, (err) => this.failed(err));
    this.informer = inf;
    await this.run();
  }

  private async run(): Promise<void> {
    if (this.stopped || !this.informer) return;
    try {
      await this.informer.start();
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.retryTimer) return; // an error during start already scheduled a retry
    this.healthy = true;
    this.failures = 0;
    if (!this.hasSynced) {
      this.hasSynced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private failed(err: unknown): void {
    this.healthy = false;
    if (this.stopped || this.retryTimer) return;
    this.onError(err);
    const delay = Math.min(30_000, 500 * 2 ** this.failures++);
    const fields = apiErrorFields(err);
    this.log.warn(
      { event: 'informer_error', path: this.path, ...fields, retryInMs: delay },
      `watch of ${this.path} failed, retrying in ${delay} ms: ${fields.reason}`,
    );
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.run();
    }, delay);
  }

  /** Resolves once the first list has filled the cache. */
  synced(): Promise<void> {
    if (this.hasSynced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  items(): readonly T[] {
    return this.informer?.list() ?? [];
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer?.get(name, namespace);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.healthy = false;
    if (this.retryTimer) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.informer?.stop();
  }
}
