import type { V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import { type Clock, monotonicClock, type TimerHandle } from '../k8s/clock.js';
import type { LeaseClient } from '../k8s/lease-client.js';
import { microTime } from '../k8s/micro-time.js';

export const FACTS_ANNOTATION = 'barelb.io/node-facts';
export const SPEAKER_LEASE_LABEL = 'barelb.io/speaker';

export interface NodeLeaseOptions {
  readonly namespace: string;
  readonly node: string;
  /**
   * Renew period: 10 s by default, kubelet's node Lease rate (0.1 writes/s per node, whatever the
   * Service count; issue 14). The plan asks for an early renewal or a read when it needs one sooner.
   */
  readonly renewMs: number;
  /** Written into the Lease; see leaseDurationSeconds in speaker-timing.ts. */
  readonly durationSeconds: number;
}

/** How long stop() waits for the release write: an API server that is down must not hold up SIGTERM. */
export const RELEASE_TIMEOUT_MS = 2_000;

/**
 * The node's one Lease (`barelb-speaker-<node>`): renewed on a fixed period, never per Service, and
 * carrying the node's probe facts as an annotation so anyone reading the API sees what it published.
 * Facts changes ride on the next renewal; peers learn them sooner from heartbeats.
 * `lastSuccess` tells the speaker when it last reached the API server, `lastWrite` when its Lease was
 * last accepted (both on the injected monotonic clock). `renewBy` brings one renewal forward and
 * `checkApi` only reads, as the plan asks (api-contact.ts).
 * `stop()` is final: no renewal starts after it, and the Lease is released so peers see the node gone.
 */
export class NodeLease {
  private timer: TimerHandle | undefined;
  /** When the armed timer fires (the next renewal). */
  private nextAt = Number.POSITIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  /** When the renewal in flight, or the last one, started. */
  private lastAttempt = Number.NEGATIVE_INFINITY;
  /** An early renewal asked for while one was in flight: due once that one ends. */
  private pendingBy: number | undefined;
  private checking = false;
  private stopped = false;
  private facts: NodeFacts | undefined;
  /** When the API server last answered; starts at construction so a fresh speaker is not "isolated". */
  lastSuccess: number;
  /** When the API server last accepted a write of the Lease. */
  lastWrite = Number.NEGATIVE_INFINITY;
  writes = 0;

  constructor(
    private readonly client: LeaseClient,
    private readonly opts: NodeLeaseOptions,
    private readonly log: Logger,
    private readonly onWrite: () => void,
    private readonly clock: Clock = monotonicClock,
    /** Wall-clock time for the Lease's renewTime, which other processes read. */
    private readonly wallNow: () => number = Date.now,
  ) {
    this.lastSuccess = clock.now();
  }

  get name(): string {
    return `barelb-speaker-${this.opts.node}`;
  }

  setFacts(facts: NodeFacts): void {
    this.facts = facts;
  }

  start(): void {
    this.nextAt = this.clock.now();
    void this.tick();
  }

  /**
   * Renews at `at` (or at once if it has passed) unless a renewal started at or after `at` already:
   * asking again for the same time, as every plan does until the write lands, costs nothing more, and
   * a failed attempt is not retried before the next period.
   */
  renewBy(at: number): void {
    if (this.stopped || at <= this.lastAttempt) return;
    if (this.inFlight) {
      this.pendingBy = Math.min(this.pendingBy ?? at, at);
      return;
    }
    if (at < this.nextAt) this.arm(at);
  }

  /**
   * Reads the Lease to learn whether the API server answers (no write). Resolves true when it did;
   * skipped (false) while a read or renewal is in flight, which will say so itself. Never throws.
   */
  async checkApi(): Promise<boolean> {
    if (this.stopped || this.checking || this.inFlight) return false;
    this.checking = true;
    try {
      await this.client.get(this.opts.namespace, this.name);
      this.lastSuccess = this.clock.now();
      return true;
    } catch (err) {
      this.log.debug({ err }, 'API check failed');
      return false;
    } finally {
      this.checking = false;
    }
  }

  private arm(at: number): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.nextAt = at;
    this.timer = this.clock.setTimeout(() => void this.tick(), Math.max(0, at - this.clock.now()));
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    this.lastAttempt = this.clock.now();
    this.inFlight = this.renew().catch((err: unknown) => this.log.debug({ err }, 'lease renew failed'));
    await this.inFlight;
    this.inFlight = undefined;
    // A renew that was in flight when stop() ran must not arm the next one (issue 12, finding 2).
    if (this.stopped) return;
    const early = this.pendingBy;
    this.pendingBy = undefined;
    const next = this.lastAttempt + this.opts.renewMs;
    this.arm(early !== undefined && early > this.lastAttempt ? Math.min(early, next) : next);
  }

  /**
   * Stops renewing for good. With `release`, waits for a renew in flight (its write would conflict
   * with ours), then marks the Lease released: no holder and a 1 s duration, as client-go's leader
   * election releases, so peers and old readers alike see the node gone at once rather than after
   * the Lease duration. The release is bounded by RELEASE_TIMEOUT_MS and never throws.
   */
  async stop(opts: { release: boolean } = { release: false }): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = Number.POSITIVE_INFINITY;
    if (!opts.release) return;
    await this.inFlight;
    let timeout: TimerHandle | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timeout = this.clock.setTimeout(() => resolve('timeout'), RELEASE_TIMEOUT_MS);
    });
    try {
      const r = await Promise.race([this.release().then(() => 'released' as const), expired]);
      if (r === 'timeout')
        this.log.warn({ event: 'lease_release_timeout' }, 'could not release the Lease in time');
      else this.log.info({ event: 'lease_released' }, 'Lease released');
    } catch (err) {
      this.log.warn({ err, event: 'lease_release_failed' }, 'could not release the Lease');
    } finally {
      if (timeout) this.clock.clearTimeout(timeout);
    }
  }

  private async release(): Promise<void> {
    const current = await this.client.get(this.opts.namespace, this.name);
    if (!current || current.spec?.holderIdentity !== this.opts.node) return;
    const { holderIdentity: _held, ...spec } = current.spec;
    await this.client.replace({
      ...current,
      spec: { ...spec, leaseDurationSeconds: 1, renewTime: microTime(this.wallNow()) },
    });
    this.writes++;
    this.onWrite();
  }

  private async renew(): Promise<void> {
    const now = microTime(this.wallNow());
    const annotations = this.facts ? { [FACTS_ANNOTATION]: JSON.stringify(this.facts) } : {};
    const current = await this.client.get(this.opts.namespace, this.name);
    // The API server answered: that is what isolation asks, whether or not the write then conflicts.
    this.lastSuccess = this.clock.now();
    const spec = {
      holderIdentity: this.opts.node,
      leaseDurationSeconds: this.opts.durationSeconds,
      renewTime: now,
    };
    if (!current) {
      const lease: V1Lease = {
        metadata: {
          name: this.name,
          namespace: this.opts.namespace,
          labels: { [SPEAKER_LEASE_LABEL]: 'true' },
          annotations,
        },
        spec: { ...spec, acquireTime: now },
      };
      await this.client.create(lease);
    } else {
      await this.client.replace({
        ...current,
        metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, ...annotations } },
        spec: { ...current.spec, ...spec },
      });
    }
    this.writes++;
    this.onWrite();
    this.lastSuccess = this.clock.now();
    this.lastWrite = this.lastSuccess;
  }
}
