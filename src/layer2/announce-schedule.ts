/**
 * When a new owner sends gratuitous ARP / unsolicited NA after a takeover, as offsets from the takeover.
 * Pure data plus the arithmetic an announcer with an injected clock needs.
 *
 * Why announce at all: the new owner answers requests at once, but a client that cached the old node's MAC
 * does not ask. Linux keeps a neighbour REACHABLE for 15-45 s, then spends 5 s in DELAY and 3 s probing the
 * old MAC by unicast before it broadcasts a request: without announcements a takeover is a black hole of up
 * to ~50 s for clients that were talking to the IP.
 *
 * Why these offsets (ms):
 * - 0: at once; every millisecond here is outage for clients with a cached entry. The first frame from our MAC
 *   also teaches the switches which port it is on.
 * - 100, 300, 700: back-off retries against loss. Right after a failure the segment is at its busiest (clients
 *   retransmitting, the switch re-learning, a port or bond possibly still converging), and losses come in bursts,
 *   so the gaps grow (100, 200, 400 ms) rather than fire three frames into the same burst. 100 ms is far above
 *   LAN RTT and still fast next to the client's own timeouts.
 * - 1500: past Linux's 1 s neighbour `locktime`, within which an update that the kernel does not classify as
 *   gratuitous is ignored because another answer (for instance the old owner's last reply) arrived just before.
 * - 3100: a last one for clients whose cache entry was mid-refresh during the earlier ones, and for stacks that
 *   rate-limit cache updates.
 * It stops after ~3 s on purpose: if ownership moves again (a flapping node, a split brain that resolves),
 * a long burst from the previous owner would fight the next one. MetalLB announces every 1.1 s for 5 s, so its
 * second announcement, the first retry against a loss, is a second away; this schedule has four in that time.
 * An announcer must also cancel the rest of the burst the moment it stops owning the IP.
 */
export const GRATUITOUS_SCHEDULE_MS: readonly number[] = Object.freeze([0, 100, 300, 700, 1500, 3100]);

export interface NextAnnouncement {
  /** Position in the schedule; after sending, the announcer has sent `index + 1`. */
  readonly index: number;
  /** How long to wait from now; 0 when it is due. */
  readonly delayMs: number;
}

/**
 * The next announcement of a burst that started `elapsedMs` ago, after `sent` have gone out (that is, entries
 * 0..sent-1 are done), or undefined when the burst is over. A timer that fired late does not cause a catch-up
 * volley: entries already past are coalesced into one due now, since identical frames back to back add
 * nothing. `elapsedMs` comes from a monotonic clock; a negative value is read as 0.
 *
 * Use: when woken, call it; if `delayMs` is 0 send and set `sent = index + 1`, else sleep `delayMs` and ask
 * again (asking again on waking is what makes a late timer coalesce).
 */
export function nextAnnouncement(
  sent: number,
  elapsedMs: number,
  schedule: readonly number[] = GRATUITOUS_SCHEDULE_MS,
): NextAnnouncement | undefined {
  const elapsed = Math.max(0, elapsedMs);
  let index = Math.max(0, Math.floor(sent));
  const first = schedule[index];
  if (first === undefined) return undefined;
  if (first > elapsed) return { index, delayMs: first - elapsed };
  while ((schedule[index + 1] ?? Number.POSITIVE_INFINITY) <= elapsed) index++;
  return { index, delayMs: 0 };
}

/** How long a burst lasts: the last offset. */
export function burstDurationMs(schedule: readonly number[] = GRATUITOUS_SCHEDULE_MS): number {
  return schedule[schedule.length - 1] ?? 0;
}
