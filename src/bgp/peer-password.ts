/**
 * A BGPPeer's TCP MD5 password (RFC 2385), from the peer itself or from the Secret it names (pure).
 * As in MetalLB, a passwordSecret is a `kubernetes.io/basic-auth` Secret in the speaker's own namespace,
 * with the password under the key `password`; the speaker reads Secrets nowhere else.
 */
import type { BgpPeerConfig } from '../config/bgp-types.js';

/** What the speaker keeps of a Secret in its namespace: its type and the decoded `password` key. */
export interface PasswordSecret {
  readonly type: string | undefined;
  readonly password: string | undefined;
}

export type PeerPassword =
  | { readonly ok: true; readonly password: string | undefined }
  | { readonly ok: false; readonly reason: string };

export const BASIC_AUTH = 'kubernetes.io/basic-auth';
/** Linux's TCP_MD5SIG_MAXKEYLEN, in bytes. */
export const MAX_KEY_BYTES = 80;

export function peerPassword(
  peer: Pick<BgpPeerConfig, 'password' | 'passwordSecret'>,
  /** The Secrets of `namespace` by name; undefined until they have been listed. */
  secrets: ReadonlyMap<string, PasswordSecret> | undefined,
  namespace: string,
): PeerPassword {
  if (peer.passwordSecret === undefined) return { ok: true, password: peer.password };
  const ref = peer.passwordSecret;
  const where = `Secret ${ref.namespace ?? namespace}/${ref.name}`;
  if (ref.namespace !== undefined && ref.namespace !== namespace)
    return {
      ok: false,
      reason: `passwordSecret: ${where} is outside ${namespace}, the only namespace the speaker reads Secrets in`,
    };
  if (secrets === undefined)
    return {
      ok: false,
      reason: `passwordSecret: the speaker has not listed the Secrets of ${namespace} yet (if this lasts, see its log: it may not be allowed to)`,
    };
  const secret = secrets.get(ref.name);
  if (!secret) return { ok: false, reason: `passwordSecret: ${where} not found` };
  if (secret.type !== BASIC_AUTH)
    return {
      ok: false,
      reason: `passwordSecret: ${where} is of type ${secret.type ?? 'Opaque'}; a BGP password is kept in a ${BASIC_AUTH} Secret`,
    };
  if (!secret.password) return { ok: false, reason: `passwordSecret: ${where} has no "password" key` };
  if (Buffer.byteLength(secret.password, 'utf8') > MAX_KEY_BYTES)
    return {
      ok: false,
      reason: `passwordSecret: the password in ${where} is longer than ${MAX_KEY_BYTES} bytes, Linux's limit for a TCP MD5 key`,
    };
  return { ok: true, password: secret.password };
}

/**
 * A peer's password when no Secret lookup was made for it: the inline one, or, for a peer that names
 * a Secret, a refusal that says so (never "no password": the session would open unsigned).
 */
export function inlinePassword(peer: Pick<BgpPeerConfig, 'password' | 'passwordSecret'>): PeerPassword {
  if (peer.passwordSecret === undefined) return { ok: true, password: peer.password };
  return { ok: false, reason: `passwordSecret: Secret ${peer.passwordSecret.name} was not looked up` };
}
