/**
 * What one speaker knows of a peer's node Lease, judged on its own monotonic clock (no clock sync
 * between nodes is assumed: a renewal counts from when this node saw it, not from its renewTime).
 * Pure: the speaker feeds Lease observations and heartbeat liveness in, and asks who is alive.
 */
export interface PeerLease {
  readonly renewTime: string;
  /** When this node saw `renewTime` appear (monotonic ms). */
  readonly seenAt: number;
  readonly durationMs: number;
  /** Released by a graceful stop (no holder): the peer is gone, whatever the times say. */
  readonly released: boolean;
  /**
   * The peer renewed while its heartbeats were not heard, and has not been heard since: proof that
   * it lives and that we cannot hear it (a heartbeat partition), as opposed to a peer that just died,
   * whose Lease merely has not expired yet.
   */
  readonly renewedUnheard: boolean;
}

/** The fields of a Lease that matter here. */
export interface LeaseObservation {
  readonly renewTime: string;
  readonly holder: string | undefined;
  readonly durationSeconds: number | undefined;
}

/** Used when a Lease carries no duration; the speakers always write one. */
const FALLBACK_DURATION_MS = 15_000;

/**
 * Folds one Lease observation into what we knew. Returns `prev` itself when nothing new was seen
 * (same renewTime and holder), so the caller can tell whether liveness may have changed.
 * The first sight of a Lease (a relist after start) is no proof of a renewal now: only a change of
 * renewTime seen while the peer is unheard is, unless the Lease was released before (a restart).
 */
export function observeLease(
  prev: PeerLease | undefined,
  obs: LeaseObservation,
  heardNow: boolean,
  now: number,
): PeerLease {
  const released = !obs.holder;
  if (prev && prev.renewTime === obs.renewTime && prev.released === released) return prev;
  return {
    renewTime: obs.renewTime,
    seenAt: now,
    durationMs: (obs.durationSeconds ?? FALLBACK_DURATION_MS / 1000) * 1000,
    released,
    // After a release the next renewal is a restart, whose heartbeats may trail its first write.
    renewedUnheard: prev !== undefined && !prev.released && !released && !heardNow,
  };
}

/** A heartbeat from the peer voids the proof of a partition: we hear it again. */
export function heardAgain(l: PeerLease): PeerLease {
  return l.renewedUnheard ? { ...l, renewedUnheard: false } : l;
}

export function leaseLive(l: PeerLease, now: number): boolean {
  return !l.released && now - l.seenAt < l.durationMs;
}

export interface LeaseView {
  /** Peers whose Lease is live (not released, renewed within its duration as we saw it). */
  readonly live: string[];
  /** Of those, the ones proven alive while unheard (see PeerLease.renewedUnheard). */
  readonly liveUnheard: string[];
}

export function leaseView(leases: ReadonlyMap<string, PeerLease>, self: string, now: number): LeaseView {
  const live: string[] = [];
  const liveUnheard: string[] = [];
  for (const [node, l] of leases) {
    if (node === self || !leaseLive(l, now)) continue;
    live.push(node);
    if (l.renewedUnheard) liveUnheard.push(node);
  }
  return { live, liveUnheard };
}
