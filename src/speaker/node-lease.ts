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
  /** Renew period. 2 s keeps writes at 0.5/s per node, under the 1/s budget, whatever the Service count. */
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
 * `lastSuccess` tells the speaker when it last reached the API server (on the injected monotonic clock).
 * `stop()` is final: no renewal starts after it, and the Lease is released so peers see the node gone.
 */
export class NodeLease {
  private timer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private facts: NodeFacts | undefined;
  /** When the API server last answered; starts at construction so a fresh speaker is not "isolated". */
  lastSuccess: number;
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
    const tick = async () => {
      if (this.stopped) return;
      this.inFlight = this.renew().catch((err: unknown) => this.log.debug({ err }, 'lease renew failed'));
      await this.inFlight;
      this.inFlight = undefined;
      // A renew that was in flight when stop() ran must not arm the next one (issue 12, finding 2).
      if (!this.stopped) this.timer = this.clock.setTimeout(() => void tick(), this.opts.renewMs);
    };
    void tick();
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
  }
}
