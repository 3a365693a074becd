/**
 * What two BGP speakers agree on from their OPENs (RFC 4271 §4.2, RFC 5492, RFC 6793, RFC 4760,
 * RFC 4724) — pure. A peer whose OPEN does not fit the configuration is refused with the
 * NOTIFICATION RFC 4271 §6.2 names, so the router's log says why, not only that the session closed.
 */
import { Afi, AS_TRANS, CapabilityCode, ErrorCode, OpenSubcode, Safi } from '../wire/codes.js';
import type { Capability, NotificationMessage, OpenMessage } from '../wire/messages.js';

/** This side of a session, from its BGPPeer. */
export interface LocalSession {
  readonly myAsn: number;
  /**
   * The ASN the peer must have (BGPPeer peerASN), or 'external' (dynamicASN external): whatever its
   * OPEN says, as long as it is not ours.
   */
  readonly peerAsn: number | 'external';
  /** Proposed hold time in seconds: 0 (no keepalives) or at least 3. */
  readonly holdTimeS: number;
  /**
   * Configured keepalive interval in seconds (BGPPeer keepaliveTime); a third of the hold time when
   * absent. Never more than a third of the negotiated hold time (see negotiatedKeepalive).
   */
  readonly keepaliveS?: number;
  /** Fixed wait between connection attempts (BGPPeer connectTime); absent: back off 1 s → 30 s. */
  readonly connectRetryS?: number;
  readonly bgpId: number;
  readonly families: readonly ('IPv4' | 'IPv6')[];
  /** Graceful restart (RFC 4724): the time the peer should keep our routes after a restart; 0: off. */
  readonly gracefulRestartS: number;
}

export interface Negotiated {
  readonly holdTimeS: number;
  /** The configured keepalive, at most a third of the hold time; 0 when the hold time is 0. */
  readonly keepaliveS: number;
  /** The peer's AS, as its OPEN said (the configured one, or any other with dynamicASN external). */
  readonly peerAsn: number;
  readonly fourOctetAs: boolean;
  /** Families both sides said (MP-BGP); IPv4 unicast is implied when the peer names none. */
  readonly families: readonly ('IPv4' | 'IPv6')[];
  readonly peerBgpId: number;
  /** The peer's graceful restart capability, if it sent one. */
  readonly peerGracefulRestart?: { readonly restartTimeS: number; readonly restarting: boolean };
}

export type Negotiation =
  | { readonly ok: true; readonly session: Negotiated }
  | { readonly ok: false; readonly notification: NotificationMessage; readonly reason: string };

const AFI_OF = { IPv4: Afi.IPV4, IPv6: Afi.IPV6 } as const;

/** The OPEN this side sends. */
export function localOpen(l: LocalSession, restarting: boolean): OpenMessage {
  const caps: Capability[] = l.families.map((f) => ({
    kind: 'multiprotocol',
    afi: AFI_OF[f],
    safi: Safi.UNICAST,
  }));
  caps.push({ kind: 'route-refresh' });
  if (l.gracefulRestartS > 0)
    caps.push({
      kind: 'graceful-restart',
      restarting,
      restartTimeS: Math.min(l.gracefulRestartS, 4095),
      // Forwarding state is the kernel's and kube-proxy's, kept across a speaker restart.
      families: l.families.map((f) => ({ afi: AFI_OF[f], safi: Safi.UNICAST, forwardingPreserved: true })),
    });
  caps.push({ kind: 'four-octet-as', asn: l.myAsn });
  return {
    type: 'open',
    version: 4,
    myAs: l.myAsn,
    holdTimeS: l.holdTimeS,
    bgpId: l.bgpId,
    capabilities: caps,
  };
}

const refuse = (subcode: number, reason: string, data = new Uint8Array(0)): Negotiation => ({
  ok: false,
  notification: { type: 'notification', code: ErrorCode.OPEN_MESSAGE, subcode, data },
  reason,
});

/** Checks the peer's OPEN against this side and works out the session's terms. */
export function negotiate(l: LocalSession, peer: OpenMessage): Negotiation {
  const as4 = peer.capabilities.find((c) => c.kind === 'four-octet-as');
  const peerAsn = as4?.kind === 'four-octet-as' ? as4.asn : peer.myAs;
  if (as4 === undefined && peer.myAs === AS_TRANS && (l.peerAsn === 'external' || l.peerAsn > 0xffff))
    return refuse(OpenSubcode.BAD_PEER_AS, `peer sent AS_TRANS without the 4-octet AS capability`);
  if (l.peerAsn === 'external' && peerAsn === l.myAsn) {
    const data = Uint8Array.of(peer.myAs >> 8, peer.myAs & 0xff);
    return refuse(OpenSubcode.BAD_PEER_AS, `peer AS ${peerAsn} is ours, and dynamicASN is external`, data);
  }
  if (l.peerAsn !== 'external' && peerAsn !== l.peerAsn) {
    const data = Uint8Array.of(peer.myAs >> 8, peer.myAs & 0xff);
    return refuse(OpenSubcode.BAD_PEER_AS, `peer AS ${peerAsn}, configured ${l.peerAsn}`, data);
  }
  // RFC 6286 §2.2: within one AS the identifiers must differ (an iBGP peer with ours is a loop or a clone).
  if (peer.bgpId === l.bgpId && peerAsn === l.myAsn)
    return refuse(OpenSubcode.BAD_BGP_IDENTIFIER, 'peer has our BGP identifier');
  const holdTimeS = Math.min(l.holdTimeS, peer.holdTimeS);
  const mp = peer.capabilities.filter((c) => c.kind === 'multiprotocol');
  const peerFamilies = new Set(
    mp.length === 0
      ? ['IPv4']
      : mp.flatMap((c) =>
          c.kind === 'multiprotocol' && c.safi === Safi.UNICAST
            ? c.afi === Afi.IPV4
              ? ['IPv4']
              : c.afi === Afi.IPV6
                ? ['IPv6']
                : []
            : [],
        ),
  );
  const families = l.families.filter((f) => peerFamilies.has(f));
  if (families.length === 0)
    return refuse(
      OpenSubcode.UNSUPPORTED_CAPABILITY,
      `no address family in common (ours ${l.families.join(', ')})`,
      Uint8Array.of(CapabilityCode.MULTIPROTOCOL, 4, 0, AFI_OF[l.families[0] ?? 'IPv4'], 0, Safi.UNICAST),
    );
  const gr = peer.capabilities.find((c) => c.kind === 'graceful-restart');
  return {
    ok: true,
    session: {
      holdTimeS,
      keepaliveS: negotiatedKeepalive(l.keepaliveS, holdTimeS),
      peerAsn,
      fourOctetAs: as4 !== undefined,
      families,
      peerBgpId: peer.bgpId,
      ...(gr?.kind === 'graceful-restart'
        ? { peerGracefulRestart: { restartTimeS: gr.restartTimeS, restarting: gr.restarting } }
        : {}),
    },
  };
}

/**
 * The keepalive interval of a session: the configured one, but never more than a third of the hold
 * time the two sides agreed on (RFC 4271 §10), so a peer that proposed a shorter hold time still
 * hears from us in time; at least 1 s; 0 (none) when the hold time is 0. FRR reads its `timers` the
 * same way.
 */
export function negotiatedKeepalive(configuredS: number | undefined, holdTimeS: number): number {
  if (holdTimeS === 0) return 0;
  const third = Math.max(1, Math.floor(holdTimeS / 3));
  return configuredS === undefined || configuredS <= 0 ? third : Math.min(configuredS, third);
}
