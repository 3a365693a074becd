import type { V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { apiErrorFields } from './api-error-text.js';
import type { Clock, TimerHandle } from './clock.js';
import type { LeaseClient } from './lease-client.js';
import { microTime } from './micro-time.js';

/** client-go's defaults (leaderelection.LeaderElectionConfig as kube-controller-manager sets it). */
export interface LeaderElectionTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export const DEFAULT_LEADER_TIMING: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderCallbacks {
  onStartedLeading(): void;
  /** Called the moment leadership is lost or given up; the caller must stop writing at once. */
  onStoppedLeading(): void;
}

/**
 * Leader election on a coordination.k8s.io Lease with client-go's semantics: a candidate takes the
 * lease only when it is free or its holder has not renewed it for a full lease duration as observed
 * on the candidate's own clock (no clock sync needed); the leader renews every retry period and
 * steps down when it could not renew within the renew deadline; every write carries the lease's
 * resourceVersion, so two candidates can never both succeed.
 */
export class LeaderElector {
  private leading = false;
  private observed: { holder: string; renew: string; at: number } | undefined;
  private lastRenew = 0;
  private timer: TimerHandle | undefined;
  /** The acquire-or-renew attempt running now, if any (stop waits for it). */
  private inflight: Promise<void> | undefined;
  private stopped = true;
  private attempted: () => void = () => {};
  /** Resolves once the first try to acquire the Lease has finished, won or not. */
  readonly firstAttempt = new Promise<void>((r) => {
    this.attempted = r;
  });

  constructor(
    private readonly client: LeaseClient,
    private readonly namespace: string,
    private readonly name: string,
    readonly identity: string,
    private readonly callbacks: LeaderCallbacks,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly timing: LeaderElectionTiming = DEFAULT_LEADER_TIMING,
  ) {}

  /** True only while this replica holds a lease it renewed within the renew deadline. */
  isLeader(): boolean {
    return this.leading && this.clock.now() - this.lastRenew < this.timing.renewDeadlineMs;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * Stops; a leader releases the lease so a successor need not wait for it to expire. The release
   * waits for an acquire or renewal still in flight: read before that write lands, it would be
   * refused (409) and leave the successor waiting out the lease.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    const wasLeading = this.leading;
    const attempt = this.inflight;
    this.loseLeadership('stopping');
    // An attempt in flight may also be the one that acquires the lease: release checks who holds it.
    if (attempt) await attempt.catch(() => {});
    if (wasLeading || attempt)
      await this.release().catch((err: unknown) => this.log.warn({ err }, 'could not release the lease'));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      const attempt = this.tick().finally(() => {
        if (this.inflight === attempt) this.inflight = undefined;
      });
      this.inflight = attempt;
    }, ms);
  }

  private async tick(): Promise<void> {
    const ok = await this.tryAcquireOrRenew().catch((err: unknown) => {
      const fields = apiErrorFields(err);
      this.log.debug(
        { event: 'lease_renew_failed', ...fields },
        `lease acquire/renew failed: ${fields.reason}`,
      );
      return false;
    });
    this.attempted();
    if (this.stopped) return;
    const now = this.clock.now();
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.log.info({ event: 'leader_acquired', identity: this.identity }, 'became leader');
        this.callbacks.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew >= this.timing.renewDeadlineMs) {
      this.loseLeadership('renew deadline passed');
    }
    // client-go jitters the retry period by up to 20% so candidates do not move in lockstep.
    this.schedule(this.timing.retryPeriodMs * (this.leading ? 1 : 1 + Math.random() * 0.2));
  }

  private loseLeadership(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.log.warn({ event: 'leader_lost', identity: this.identity, why }, 'lost leadership');
    this.callbacks.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const nowIso = new Date(now).toISOString();
    const current = await this.client.get(this.namespace, this.name);
    const durationSec = Math.ceil(this.timing.leaseDurationMs / 1000);
    if (!current) {
      await this.client.create({
        metadata: { name: this.name, namespace: this.namespace },
        spec: {
          holderIdentity: this.identity,
          leaseDurationSeconds: durationSec,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      });
      return true;
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renew = spec.renewTime ? new Date(spec.renewTime).toISOString() : '';
    // Expiry is judged by when *we* saw the record change, never by the holder's timestamps.
    if (!this.observed || this.observed.holder !== holder || this.observed.renew !== renew) {
      this.observed = { holder, renew, at: now };
    }
    const heldByOther = holder !== '' && holder !== this.identity;
    const leaseMs = (spec.leaseDurationSeconds ?? durationSec) * 1000;
    if (heldByOther && this.observed.at + leaseMs > now) return false;
    const next: V1Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: durationSec,
        renewTime: microTime(now),
        acquireTime: holder === this.identity && spec.acquireTime ? spec.acquireTime : microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === this.identity ? 0 : 1),
      },
    };
    const written = await this.client.replace(next);
    this.observed = { holder: this.identity, renew: nowIso, at: now };
    return written.spec?.holderIdentity === this.identity;
  }

  private async release(): Promise<void> {
    const current = await this.client.get(this.namespace, this.name);
    if (current?.spec?.holderIdentity !== this.identity) return;
    await this.client.replace({
      ...current,
      spec: {
        ...current.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: microTime(this.clock.now()),
      },
    });
  }
}
