import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../k8s/clock.js';
import { nativeAddon } from '../native/addon.js';

/**
 * How long the work queue must stay drained before the C heap is trimmed. Idle API connections close
 * 15 s after their last request (kube-credentials.ts), and most of what a burst leaves behind in the
 * C heap is their TLS state, so the trim comes after they are gone.
 */
export const HEAP_TRIM_QUIET_MS = 20_000;

/**
 * Hands the C heap's free pages back to the kernel once a burst of work is over, as Go's scavenger
 * returns a Go program's unused heap: glibc keeps pages freed in the middle of an arena resident.
 * In a lab controller with 1,000 Services, malloc_trim(0) took RssAnon from 31.6 to 24.9 MiB; idle,
 * or in the speaker, it released 0.2-0.3 MiB, so only the controller uses it (issue 14).
 * `workEnded()` (re)arms one timer: a new burst before it fires puts the trim off again.
 */
export class HeapTrimmer {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Returns whether memory went back; throws when the addon is missing. */
    private trim: (() => boolean) | undefined = () => nativeAddon().heapTrim(),
  ) {}

  workEnded(): void {
    if (this.stopped || this.trim === undefined) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.run(), HEAP_TRIM_QUIET_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    try {
      const released = this.trim?.() ?? false;
      this.log.debug({ event: 'heap_trimmed', released }, 'C heap trimmed');
    } catch (err) {
      // No addon for this platform (an npm install without a prebuild): memory stays as it is.
      this.trim = undefined;
      this.log.info(
        { event: 'heap_trim_unavailable', reason: String(err) },
        'cannot hand freed memory back to the kernel: the native addon is not available',
      );
    }
  }
}
