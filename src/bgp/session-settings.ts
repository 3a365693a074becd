/**
 * From a BGPPeer to the options of one BgpSession on this node (pure), or the reasons it cannot run
 * here yet. A setting the session does not implement is refused by name, never dropped: a session
 * without the TCP MD5 password or the BFD it was given would come up (or not) for reasons the
 * operator cannot see.
 */
import { createHash } from 'node:crypto';
import type { BfdProfileConfig, BgpPeerConfig } from '../config/bgp-types.js';
import { parseAddress } from '../net/address.js';
import type { BfdSessionConfig } from './bfd/bfd-session-state.js';
import { isInternal } from './bgp-plan.js';
import type { PeerPassword } from './peer-password.js';
import type { LocalSession } from './session/negotiate.js';

/** This node's addresses, one per family it has; the next hops of its routes. */
export interface NodeAddresses {
  readonly IPv4?: string | undefined;
  readonly IPv6?: string | undefined;
}

export interface SessionSettings {
  readonly local: LocalSession;
  readonly peerAddress: string;
  readonly peerPort: number;
  readonly localAddress: string | undefined;
  /** BFD on this session (RFC 5881 single hop), from the peer's BFDProfile. */
  readonly bfd: BfdSessionConfig | undefined;
  /** The TCP MD5 key (RFC 2385) the connection is signed with; undefined for none. */
  readonly password: string | undefined;
}

export type SettingsResult =
  | { readonly ok: true; readonly settings: SessionSettings; readonly key: string }
  | { readonly ok: false; readonly reasons: readonly string[] };

/** Graceful restart's restart time (RFC 4724): how long the peer keeps our routes while we restart. */
export const GRACEFUL_RESTART_S = 120;

/**
 * The settings of a valid BGPPeer the sessions do not implement yet, each named with what to do
 * instead. `barelb migrate` warns with the same words.
 */
export function notSupportedYet(peer: BgpPeerConfig, profile?: BfdProfileConfig): string[] {
  const reasons: string[] = [];
  if (peer.bfdProfile !== undefined && peer.ebgpMultiHop)
    reasons.push('BFD over several hops (RFC 5883) is not supported yet; single-hop peers only');
  if (profile?.echoMode) reasons.push('BFD echo mode is not supported yet; set echoMode false');
  return reasons;
}

export function sessionSettings(
  peer: BgpPeerConfig,
  node: NodeAddresses,
  /** The peer's BFDProfile, resolved by buildBgpConfig; undefined without one. */
  profile: BfdProfileConfig | undefined,
  /** The peer's password, as peerPassword (or inlinePassword, for a peer not looked up) gives it. */
  password: PeerPassword,
): SettingsResult {
  const reasons: string[] = [];
  const family = parseAddress(peer.peerAddress)?.family;
  if (!family) reasons.push(`peerAddress ${peer.peerAddress} is not an address`);
  const own = family ? node[family] : undefined;
  if (family && !own && !peer.sourceAddress)
    reasons.push(`this node has no ${family} address to peer with ${peer.peerAddress} from`);
  // ebgpMultiHop needs nothing here: sessions are sent with the kernel's default TTL (64), not 1.
  const routerId = peer.routerId ?? node.IPv4;
  if (!routerId) reasons.push('this node has no IPv4 address for a BGP identifier; set routerID');
  reasons.push(...notSupportedYet(peer, profile));
  if (peer.bfdProfile !== undefined && profile === undefined)
    reasons.push(`BFDProfile ${peer.bfdProfile} was not given to the session`);
  if (!password.ok) reasons.push(password.reason);
  const holdTimeS = peer.holdTimeMs / 1_000;
  if (reasons.length > 0 || !family || !routerId) return { ok: false, reasons };

  const bgpId = Number(parseAddress(routerId)?.value ?? 0n);
  const families: ('IPv4' | 'IPv6')[] = peer.dualStackAddressFamily ? ['IPv4', 'IPv6'] : [family];
  const settings: SessionSettings = {
    local: {
      myAsn: peer.myAsn,
      peerAsn: isInternal(peer) ? peer.myAsn : (peer.peerAsn ?? 'external'),
      holdTimeS,
      keepaliveS: peer.keepaliveTimeMs / 1_000,
      ...(peer.connectTimeMs !== undefined ? { connectRetryS: peer.connectTimeMs / 1_000 } : {}),
      bgpId,
      families,
      gracefulRestartS: peer.enableGracefulRestart ? GRACEFUL_RESTART_S : 0,
    },
    peerAddress: peer.peerAddress,
    peerPort: peer.peerPort,
    localAddress: peer.sourceAddress ?? own,
    bfd: profile
      ? {
          desiredMinTxUs: profile.transmitIntervalMs * 1_000,
          requiredMinRxUs: profile.receiveIntervalMs * 1_000,
          detectMult: profile.detectMultiplier,
          passive: profile.passiveMode,
        }
      : undefined,
    password: password.ok ? password.password : undefined,
  };
  // What a change must restart the session for: everything it was opened with (the password as a
  // digest, so that the key, which may be compared or logged, never holds it).
  const digest = settings.password && createHash('sha256').update(settings.password).digest('hex');
  return { ok: true, settings, key: JSON.stringify({ ...settings, password: digest }) };
}
