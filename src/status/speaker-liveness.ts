/** A speaker Lease (`barelb-speaker-<node>`) as `barelb status` reads it. */
export interface SpeakerLease {
  readonly metadata?: { readonly name?: string };
  readonly spec?: {
    readonly holderIdentity?: string | null;
    readonly renewTime?: Date | string | null;
    readonly leaseDurationSeconds?: number | null;
  };
}

const PREFIX = 'barelb-speaker-';

/**
 * Why the speaker on `node` does not look alive, or undefined when it does: its Lease is missing,
 * released (no holder: a graceful stop), or not renewed within its duration. Judged on this
 * machine's clock against the API server's renew time, so a clock off by seconds can mislead; the
 * speakers themselves never judge each other this way (they use heartbeats and their own clocks).
 */
export function speakerNotAlive(
  leases: readonly SpeakerLease[],
  node: string,
  now: number,
): string | undefined {
  const lease = leases.find((l) => l.metadata?.name === `${PREFIX}${node}`);
  if (!lease) return `no speaker Lease for ${node}: its speaker never ran or was removed`;
  if (!lease.spec?.holderIdentity) return `the speaker on ${node} stopped (its Lease is released)`;
  const renewed = lease.spec.renewTime ? new Date(lease.spec.renewTime).getTime() : Number.NaN;
  const durationMs = (lease.spec.leaseDurationSeconds ?? 0) * 1000;
  if (Number.isNaN(renewed)) return `the speaker on ${node} never renewed its Lease`;
  const late = now - (renewed + durationMs);
  if (late > 0)
    return `the speaker on ${node} last renewed its Lease ${Math.round((now - renewed) / 1000)} s ago`;
  return undefined;
}
