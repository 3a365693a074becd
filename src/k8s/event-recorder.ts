import type { Logger } from 'pino';
import type { Clock, TimerHandle } from './clock.js';
import type { KubeApi } from './kube-api.js';

export interface ObjectRef {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
}

export type EventType = 'Normal' | 'Warning';

/** Records Kubernetes Events; what users see in `kubectl describe` and `kubectl get events`. */
export interface EventRecorder {
  record(obj: ObjectRef, type: EventType, reason: string, message: string): void;
}

/** Events written concurrently at most, when the controller has nothing more urgent to write. */
const EVENT_WRITERS = 4;
/**
 * While the controller is busy, events wait this long before the first of them goes: a burst's
 * status writes get the apiserver to themselves. Past it, events go one at a time until the
 * controller is idle, so under a long burst they lag behind (what users wait for is the IP, not
 * the Event); the queue's 10,000-event bound keeps that lag from costing memory.
 */
const MAX_EVENT_DELAY_MS = 2_000;
/** How often a waiting event re-checks whether the controller went idle. */
const IDLE_POLL_MS = 100;

/**
 * On stop, events still waiting get this long to be written, four at a time; the rest are dropped
 * (and counted in a log line). Without a bound a controller stopped right after a 1,000-Service burst
 * kept posting Events for 5 s and more after SIGTERM, and the lab had to SIGKILL it (a Pod would sit
 * in Terminating that long). The Lease is released before this, so a successor is not held up.
 */
export const STOP_FLUSH_MS = 2_000;

/** Identical events (same object, reason, message) within this window are recorded once. */
const DEDUPE_MS = 10 * 60_000;

/**
 * Writes core/v1 Events in the background. A controller retrying a refusal would otherwise write
 * the same event on every retry; identical events are recorded once per window, like client-go's
 * event correlator does by counting them.
 */
export class ApiEventRecorder implements EventRecorder {
  private readonly recent = new Map<string, number>();
  private readonly pending: { at: number; write: () => Promise<unknown> }[] = [];
  private inFlight = 0;
  private recheck: TimerHandle | undefined;
  /** Set by stop(): no new events, and those waiting past this time are dropped. */
  private stopDeadline: number | undefined;
  private stopped: (() => void) | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly component: string,
    private readonly host: string,
    private readonly log: Logger,
    private readonly clock: Clock,
    /** True while the owner has more urgent writes to make (status writes users wait for). */
    private readonly busy: () => boolean = () => false,
  ) {}

  record(obj: ObjectRef, type: EventType, reason: string, message: string): void {
    if (this.stopDeadline !== undefined) return;
    const now = this.clock.now();
    const key = `${obj.kind}/${obj.namespace}/${obj.name}/${obj.uid ?? ''}/${reason}/${message}`;
    const seen = this.recent.get(key);
    if (seen !== undefined && now - seen < DEDUPE_MS) return;
    this.recent.set(key, now);
    if (this.recent.size > 10_000) this.prune(now);
    const ts = new Date(now);
    this.enqueue(() =>
      this.api
        .request('POST', `/api/v1/namespaces/${encodeURIComponent(obj.namespace)}/events`, {
          discard: true,
          body: {
            apiVersion: 'v1',
            kind: 'Event',
            metadata: { generateName: `${obj.name}.`, namespace: obj.namespace },
            involvedObject: {
              kind: obj.kind,
              apiVersion: obj.apiVersion,
              namespace: obj.namespace,
              name: obj.name,
              ...(obj.uid ? { uid: obj.uid } : {}),
            },
            type,
            reason,
            message,
            source: { component: this.component, host: this.host },
            reportingComponent: this.component,
            reportingInstance: this.host,
            firstTimestamp: ts,
            lastTimestamp: ts,
            count: 1,
          },
        })
        .catch((err: unknown) =>
          this.log.warn({ event: 'event_write_failed', reason, err }, 'could not record event'),
        ),
    );
  }

  /**
   * Events are written a few at a time, behind the writes that matter: during a burst of 1,000
   * allocations, 1,000 concurrent Event POSTs would take the apiserver's time from the status writes
   * users wait for. While the owner is busy they wait, then go one at a time (MAX_EVENT_DELAY_MS);
   * once it is idle, four are in flight. Past 10,000 waiting, new events are dropped (and logged),
   * never memory.
   */
  private enqueue(write: () => Promise<unknown>): void {
    if (this.pending.length >= 10_000) {
      this.log.warn({ event: 'event_dropped' }, 'event queue full; dropping an event');
      return;
    }
    this.pending.push({ at: this.clock.now(), write });
    this.drain();
  }

  /**
   * Takes no more events and writes those waiting for at most `graceMs`, four at a time. Resolves
   * once all are written, or at the deadline: what is still waiting then is dropped and logged, and
   * writes still in flight are left to finish or time out on their own.
   */
  stop(graceMs = STOP_FLUSH_MS): Promise<void> {
    this.stopDeadline = this.clock.now() + graceMs;
    const done = new Promise<void>((resolve) => {
      this.stopped = resolve;
    });
    const deadline = this.clock.setTimeout(() => this.drain(), graceMs);
    void done.then(() => this.clock.clearTimeout(deadline));
    this.drain();
    return done;
  }

  private drain(): void {
    if (this.stopDeadline !== undefined) {
      this.drainStopping(this.stopDeadline);
      return;
    }
    const busy = this.busy();
    for (;;) {
      const head = this.pending[0];
      if (!head) return;
      const overdue = this.clock.now() - head.at >= MAX_EVENT_DELAY_MS;
      const limit = !busy ? EVENT_WRITERS : overdue ? 1 : 0;
      if (this.inFlight >= limit) break;
      this.pending.shift();
      this.inFlight++;
      void head.write().finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
    // Held back with nothing in flight to call drain again: look again shortly.
    if (this.inFlight === 0 && this.recheck === undefined) {
      this.recheck = this.clock.setTimeout(() => {
        this.recheck = undefined;
        this.drain();
      }, IDLE_POLL_MS);
    }
  }

  private drainStopping(deadline: number): void {
    const late = this.clock.now() >= deadline;
    if (late && this.pending.length > 0) {
      const dropped = this.pending.splice(0).length;
      this.log.warn(
        { event: 'events_dropped_on_stop', dropped },
        `stopping: dropped ${dropped} event(s) not written in time`,
      );
    }
    while (this.inFlight < EVENT_WRITERS) {
      const head = this.pending.shift();
      if (!head) break;
      this.inFlight++;
      void head.write().finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
    if (this.inFlight > 0 && !late) return;
    if (this.recheck) this.clock.clearTimeout(this.recheck);
    this.recheck = undefined;
    this.stopped?.();
    this.stopped = undefined;
  }

  private prune(now: number): void {
    for (const [k, t] of this.recent) if (now - t >= DEDUPE_MS) this.recent.delete(k);
  }
}

/** Keeps events in memory, for unit tests. */
export class MemoryEventRecorder implements EventRecorder {
  readonly events: { obj: ObjectRef; type: EventType; reason: string; message: string }[] = [];
  record(obj: ObjectRef, type: EventType, reason: string, message: string): void {
    this.events.push({ obj, type, reason, message });
  }
}
