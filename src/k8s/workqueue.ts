import type { Clock } from './clock.js';

export interface BackoffOptions {
  /** First retry delay. client-go's default item limiter starts at 5 ms. */
  readonly baseMs: number;
  /** Cap on a key's delay. client-go caps at 1000 s; an LB controller wants a shorter cap. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 5, maxMs: 30_000 };

export interface WorkQueueOptions {
  /** Per-key retry delays; DEFAULT_BACKOFF when not given. */
  readonly backoff?: BackoffOptions;
  /**
   * Called each time `done` leaves the queue idle (nothing queued, nothing being processed): the end
   * of a burst, which the controller's shell uses to trim the C heap.
   */
  readonly onDrained?: () => void;
}

/**
 * A work queue with client-go's guarantees: a key is never processed twice at once; a key added
 * while it is processed is processed again afterwards; duplicates collapse; failed keys come back
 * after an exponential per-key backoff, reset by `forget`.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly waiting = new Map<string, unknown>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  private readonly backoff: BackoffOptions;
  private readonly onDrained: () => void;

  constructor(
    private readonly clock: Clock,
    options: WorkQueueOptions = {},
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.onDrained = options.onDrained ?? (() => {});
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
  }

  /** Adds the key again after its backoff; each call doubles the next delay. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** n));
  }

  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (this.waiting.has(key)) return;
    const handle = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, handle);
  }

  /** Forgets a key's failures: its next retry starts from the base delay again. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Next key to process, or undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key processed; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
    if (!this.busy) this.onDrained();
  }

  /** True while keys are queued or being processed (keys in backoff do not count). */
  get busy(): boolean {
    return this.queue.length > 0 || this.processing.size > 0;
  }

  /** Keys waiting to be processed (not counting those in backoff). */
  get length(): number {
    return this.queue.length;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }
}
