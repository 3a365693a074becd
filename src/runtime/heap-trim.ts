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
 * In a lab controller with 1,000 Services, malloc_trim(0) took RssAnon from 30.9 to 24.3 MiB; idle,
 * or in the speaker, it released 0.2-0.3 MiB, so only the controller uses it (issue 14).
 * `workEnded()` (re)arms one timer: a new burst before it fires puts the trim off again.
 */
export class HeapTrimmer {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Returns whether memory went back; throws when the addon is missing or older than heapTrim. */
    private trim: (() => boolean) | undefined = addonTrim,
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
      const t0 = performance.now();
      const released = this.trim?.() ?? false;
      // It locks each arena while it walks it, on the main thread: its time is worth seeing.
      const ms = Math.round((performance.now() - t0) * 100) / 100;
      this.log.debug({ event: 'heap_trimmed', released, ms }, 'C heap trimmed');
    } catch (err) {
      // No addon for this platform (an npm install without a prebuild), or one built before
      // heapTrim existed: memory stays as it is.
      this.trim = undefined;
      this.log.info(
        { event: 'heap_trim_unavailable', reason: err instanceof Error ? err.message : String(err) },
        'cannot hand freed memory back to the kernel: the native addon is missing or out of date',
      );
    }
  }
}

function addonTrim(): boolean {
  const addon = nativeAddon();
  // A checkout's build/Release from before heapTrim wins over the prebuilds (index.js): say so.
  if (typeof addon.heapTrim !== 'function')
    throw new Error('the addon has no heapTrim: rebuild it (npm rebuild @barelb/af-packet)');
  return addon.heapTrim();
}
