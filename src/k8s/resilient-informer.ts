import type { ClientRequest } from 'node:http';
import type { Logger } from 'pino';
import { apiErrorFields } from './api-error-text.js';
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import { type CacheEvent, cacheKey, relist, type Versioned, watchEvent } from './informer-cache.js';
import { ApiRequestError, type KubeApi, statusCode } from './kube-api.js';
import { LineSplitter } from './watch-lines.js';

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(obj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions<T> {
  readonly clock?: Clock;
  /** Called on every failed list or watch (an API error metric). */
  readonly onError?: (err: unknown) => void;
  /** Keeps what the owner reads of each object (see trim.ts): the cache holds the rest. */
  readonly trim?: (obj: unknown) => T;
  /** The watch's timeoutSeconds; a fresh value per watch, so many informers do not re-watch in step. */
  readonly watchSeconds?: () => number;
  /** Objects per list page (default LIST_PAGE_SIZE). */
  readonly listPageSize?: number;
}

/**
 * A list comes in pages of this many objects, as client-go's reflector asks for them: the apiserver
 * then builds, and this process parses, one page's body at a time rather than every Service of a large
 * cluster in one reply; each page's body can go once its objects are trimmed into the list.
 */
export const LIST_PAGE_SIZE = 500;

/** The query of one list page: the first has no continue token, the next ones the server's. */
export function listPageQuery(pageSize: number, continueToken: string | undefined): string {
  return `limit=${pageSize}${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''}`;
}

/**
 * client-go re-watches after a random 5-10 minutes; a shorter watch means a connection that died
 * without a reset (a NAT or a node gone) is noticed sooner: no bytes for the watch's length plus
 * WATCH_SLACK_S (at most double its length) and the connection is given up and watched again.
 */
const defaultWatchSeconds = () => 240 + Math.floor(Math.random() * 60);
const WATCH_SLACK_S = 30;
/** A watch that ends this soon with no event is a failure (a proxy closing it), as in client-go. */
const SHORT_WATCH_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

interface ListResponse<T> {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: readonly T[];
}

interface WatchLine {
  readonly type?: string;
  readonly object?: { metadata?: { resourceVersion?: string }; code?: number; message?: string };
}

/**
 * An informer like client-go's reflector, over a plain list and watch: list, then watch from the
 * list's resourceVersion with bookmarks; when the server ends the watch, watch again from the last
 * resourceVersion seen; when that is too old (410 Gone) list again, emitting deletes for objects
 * that vanished meanwhile. Errors restart it with exponential backoff. Its health feeds
 * readiness: unhealthy from an error until a watch runs again. Handlers only see trimmed objects.
 */
export class ResilientInformer<T extends Versioned> {
  private cache = new Map<string, T>();
  private itemsView: T[] | undefined;
  private rv: string | undefined;
  private listSentAt: number | undefined;
  private failures = 0;
  private stopped = true;
  private healthy = false;
  private hasSynced = false;
  private syncWaiters: (() => void)[] = [];
  private watchReq: ClientRequest | undefined;
  private retry: { timer: TimerHandle; resolve: () => void } | undefined;
  private loop: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly trim: (obj: unknown) => T;

  constructor(
    private readonly api: KubeApi,
    private readonly path: string,
    private readonly handlers: InformerHandlers<T>,
    private readonly log: Logger,
    private readonly opts: InformerOptions<T> = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.trim = opts.trim ?? ((o) => o as T);
  }

  /** Starts listing and watching in the background; `synced()` says when the first list is in. */
  async start(signal?: AbortSignal): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.rv === undefined) await this.list();
        if (!this.stopped) await this.watch();
      } catch (err) {
        if (this.stopped) return;
        if (statusCode(err) === 410) {
          // Too old to resume from: list again at once; not a failure.
          this.log.info(
            { event: 'informer_relist', path: this.path },
            `watch of ${this.path} is too old to resume (410 Gone): listing again`,
          );
          this.rv = undefined;
          continue;
        }
        await this.backoff(err);
      }
    }
  }

  private async list(): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let rv: string | undefined;
    const sentAt = this.clock.now();
    // The pages are one consistent snapshot: the server keeps the first page's resourceVersion in
    // the token. A token too old (410 Gone) fails the list, and the run loop lists again from the start.
    do {
      const query = listPageQuery(this.opts.listPageSize ?? LIST_PAGE_SIZE, continueToken);
      const res = await this.api.request<ListResponse<unknown>>('GET', `${this.path}?${query}`);
      for (const item of res.items ?? []) items.push(this.trim(item));
      continueToken = res.metadata?.continue || undefined;
      rv = res.metadata?.resourceVersion;
    } while (continueToken !== undefined && !this.stopped);
    if (this.stopped) return;
    const { next, events } = relist(this.cache, items);
    this.cache = next;
    this.itemsView = undefined;
    this.rv = rv;
    this.listSentAt = sentAt;
    this.emit(events);
    if (!this.hasSynced) {
      this.hasSynced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  /** One watch, until the server ends it (resolves) or it fails (rejects). */
  private async watch(): Promise<void> {
    const seconds = (this.opts.watchSeconds ?? defaultWatchSeconds)();
    const query = `watch=1&allowWatchBookmarks=true&timeoutSeconds=${seconds}&resourceVersion=${encodeURIComponent(this.rv ?? '')}`;
    const started = this.clock.now();
    const { req, res } = await this.api.stream(`${this.path}?${query}`);
    if (this.stopped) {
      req.destroy();
      return;
    }
    this.watchReq = req;
    this.healthy = true;
    this.failures = 0;
    let events = 0;
    // No bytes for this long: the connection is dead though no reset said so.
    const deadAfterS = seconds + Math.min(WATCH_SLACK_S, seconds);
    req.setTimeout(deadAfterS * 1000, () =>
      req.destroy(new Error(`watch of ${this.path}: no data for ${deadAfterS} s`)),
    );
    const lines = new LineSplitter();
    res.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        req.destroy();
        reject(err);
      };
      res.on('data', (chunk: string) => {
        try {
          for (const line of lines.push(chunk)) {
            events++;
            if (this.handleLine(JSON.parse(line) as WatchLine) === 'gone') {
              fail(new ApiRequestError(410, 'watch: resourceVersion too old'));
              return;
            }
          }
        } catch (err) {
          fail(err);
        }
      });
      res.on('end', () => {
        if (events === 0 && this.clock.now() - started < SHORT_WATCH_MS && !this.stopped)
          reject(new Error(`watch of ${this.path} closed at once with no event`));
        else resolve();
      });
      res.on('error', reject);
      req.on('error', reject);
      // A destroyed request (stop, or the dead-connection timeout) may end with 'close' alone.
      res.on('close', () => (this.stopped ? resolve() : reject(new Error(`watch of ${this.path} closed`))));
    });
  }

  private handleLine(line: WatchLine): 'gone' | undefined {
    const obj = line.object;
    if (line.type === 'ERROR') {
      if (obj?.code === 410) return 'gone';
      throw new ApiRequestError(obj?.code ?? 500, obj?.message ?? 'watch error');
    }
    const rv = obj?.metadata?.resourceVersion;
    if (rv) this.rv = rv;
    if (line.type === 'BOOKMARK' || !obj) return undefined;
    const trimmed = this.trim(obj);
    const e = watchEvent(this.cache, line.type ?? '', trimmed);
    if (!e) return undefined;
    if (e.type === 'delete') this.cache.delete(cacheKey(trimmed));
    else this.cache.set(cacheKey(trimmed), trimmed);
    this.itemsView = undefined;
    this.emit([e]);
    return undefined;
  }

  private emit(events: readonly CacheEvent<T>[]): void {
    for (const e of events) {
      if (e.type === 'add') this.handlers.onAdd?.(e.obj);
      else if (e.type === 'update') this.handlers.onUpdate?.(e.obj);
      else this.handlers.onDelete?.(e.obj);
    }
  }

  private backoff(err: unknown): Promise<void> {
    this.healthy = false;
    this.opts.onError?.(err);
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures++);
    const fields = apiErrorFields(err);
    this.log.warn(
      { event: 'informer_error', path: this.path, ...fields, retryInMs: delay },
      `watch of ${this.path} failed, retrying in ${delay} ms: ${fields.reason}`,
    );
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.retry = undefined;
        resolve();
      }, delay);
      this.retry = { timer, resolve };
    });
  }

  /** Resolves once the first list has filled the cache. */
  synced(): Promise<void> {
    if (this.hasSynced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  /** The cached objects; the same array until the cache changes (callers must not mutate it). */
  /**
   * When (on the informer's clock) the list the cache is built on was asked for: the cache holds
   * every change the API server had committed by then, and what its watch delivered since.
   */
  listedAt(): number | undefined {
    return this.listSentAt;
  }

  items(): readonly T[] {
    this.itemsView ??= [...this.cache.values()];
    return this.itemsView;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.healthy = false;
    if (this.retry) {
      this.clock.clearTimeout(this.retry.timer);
      this.retry.resolve();
      this.retry = undefined;
    }
    this.watchReq?.destroy();
    // Not awaited: a list in flight may take its read timeout; what it brings is dropped unused.
    void this.loop;
  }
}
