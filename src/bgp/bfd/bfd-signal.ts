import type { BfdStateName } from './bfd-packet.js';

/**
 * What a BFD state change means for the BGP session it protects:
 * - `path-down`: Up to Down, because packets stopped or the peer said Down: take the session down now
 *   (RFC 5882 §4.3) rather than after the hold time;
 * - `peer-admin-down`: Up to Down because the peer went AdminDown. That is the peer switching BFD off
 *   on purpose, not a failed path, and the client must not act on it (RFC 5880 §6.8.16, RFC 5882
 *   §3.2): the BGP session stays, guarded by its hold time until BFD is Up again;
 * - `none`: anything else.
 */
export type BfdSignal = 'path-down' | 'peer-admin-down' | 'none';

export function bfdSignal(
  before: BfdStateName | undefined,
  now: BfdStateName,
  remoteState: BfdStateName,
): BfdSignal {
  if (before !== 'Up' || now !== 'Down') return 'none';
  return remoteState === 'AdminDown' ? 'peer-admin-down' : 'path-down';
}
