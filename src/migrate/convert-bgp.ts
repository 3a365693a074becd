// MetalLB's BGP objects (metallb.io/v1beta2 BGPPeer, v1beta1 BGPAdvertisement, BFDProfile, Community) to
// BareLB's, which have the same kinds and fields in barelb.io/v1alpha1. Pure. The copy keeps the fields BareLB
// has; the result is checked with the speaker's own buildBgpConfig, and each peer with the same words the
// speaker uses to refuse a session it cannot run yet (dynamicASN external, BFD echo, ...), so nothing is lost without a word.
import { notSupportedYet } from '../bgp/session-settings.js';
import { BFD_PROFILE, BGP_ADVERTISEMENT, BGP_PEER, COMMUNITY } from '../config/crd-types.js';
import { type BgpConfig, formatConfigError, isWarning } from '../config/index.js';

/** The BGP kinds and the MetalLB version whose fields BareLB's copy has. */
export const BGP_KIND_VERSIONS: ReadonlyMap<string, readonly string[]> = new Map([
  // v1beta1 BGPPeer is MetalLB's older version of the same fields (a subset), converted the same way.
  [BGP_PEER.kind, ['v1beta2', 'v1beta1']],
  [BGP_ADVERTISEMENT.kind, ['v1beta1']],
  [BFD_PROFILE.kind, ['v1beta1']],
  [COMMUNITY.kind, ['v1beta1']],
]);

/** The converted BGP objects, by kind, as buildBgpConfig takes them. */
export interface BgpConverted {
  readonly peers: unknown[];
  readonly advertisements: unknown[];
  readonly bfdProfiles: unknown[];
  readonly communities: unknown[];
}

export function emptyBgpConverted(): BgpConverted {
  return { peers: [], advertisements: [], bfdProfiles: [], communities: [] };
}

export function addBgpObject(into: BgpConverted, kind: string, object: unknown): void {
  if (kind === BGP_PEER.kind) into.peers.push(object);
  else if (kind === BGP_ADVERTISEMENT.kind) into.advertisements.push(object);
  else if (kind === BFD_PROFILE.kind) into.bfdProfiles.push(object);
  else if (kind === COMMUNITY.kind) into.communities.push(object);
}

/**
 * What BareLB will say of the converted BGP objects: the errors and warnings buildBgpConfig reports, and
 * for each valid peer the settings its sessions will be refused for until supported, and an inline
 * password (better in a Secret).
 */
export function bgpWarnings(config: BgpConfig): string[] {
  const out = config.errors.map(
    (e) =>
      `${formatConfigError(e)} (BareLB ${isWarning(e) ? 'reports this and keeps the object' : 'refuses this object'})`,
  );
  for (const peer of config.peers.values()) {
    const reasons = notSupportedYet(
      peer,
      peer.bfdProfile === undefined ? undefined : config.bfdProfiles.get(peer.bfdProfile),
    );
    if (reasons.length > 0)
      out.push(
        `BGPPeer ${peer.name}: the speakers will not open this session until BareLB supports it (${reasons.join('; ')}); its BGPSessionStatus will say Refused`,
      );
    if (peer.password !== undefined)
      out.push(
        `BGPPeer ${peer.name}: spec.password is in the object in clear; passwordSecret keeps it in a Secret`,
      );
  }
  return out;
}
