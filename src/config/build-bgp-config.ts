import type { CommunityValue } from './bgp-community.js';
import { parseCommunity } from './bgp-community.js';
import type { BfdProfileConfig, BgpAdvertisementConfig, BgpConfig, BgpPeerConfig } from './bgp-types.js';
import { compareErrors, compareNames, reportDuplicates } from './build-config.js';
import { ConfigErrorReason } from './config-error.js';
import { parseBfdProfile } from './parse-bfd-profile.js';
import { parseBgpAdvertisement } from './parse-bgp-advertisement.js';
import { parseBgpPeer } from './parse-bgp-peer.js';
import { parseCommunityAliases } from './parse-community-aliases.js';
import type { ConfigError } from './types.js';

export interface BgpObjects {
  readonly peers: readonly unknown[];
  readonly advertisements: readonly unknown[];
  readonly bfdProfiles: readonly unknown[];
  readonly communities: readonly unknown[];
}

/**
 * BGP mode's objects as read from the API -> one BgpConfig, the way buildConfig does it for layer 2:
 * each object checked alone, then against the others; what is invalid is left out with errors that
 * name the field, and the rest keep working. `knownPools` are the IPAddressPool names (valid or not:
 * an invalid pool carries its own error).
 *
 * - A BGPPeer whose BFD profile does not exist is left out (UnknownReference): a session without the
 *   BFD it asked for would fail over in 90 s where the operator expects under one.
 * - A BGPAdvertisement naming an unknown pool or peer keeps working for the others (warnings
 *   UnknownPool, UnknownPeer: either may be created next); one naming an unknown community alias is
 *   left out, since its routes would go out without, say, their NO_EXPORT.
 * - An alias defined in two Community objects is refused in both (DuplicateName).
 */
export function buildBgpConfig(objects: BgpObjects, knownPools: ReadonlySet<string>): BgpConfig {
  const errors: ConfigError[] = [];

  const profiles = new Map<string, BfdProfileConfig>();
  const profileParses = objects.bfdProfiles.map(parseBfdProfile);
  for (const p of profileParses) errors.push(...p.errors);
  const duplicateProfiles = reportDuplicates(
    profileParses.map((p) => p.name),
    'BFDProfile',
    errors,
  );
  for (const p of profileParses)
    if (p.profile && !duplicateProfiles.has(p.name)) profiles.set(p.name, p.profile);

  const aliases = resolveAliases(objects.communities, errors);

  const peers = new Map<string, BgpPeerConfig>();
  const waiting = new Map<string, { peer: BgpPeerConfig; reason: string }>();
  const peerParses = objects.peers.map(parseBgpPeer);
  for (const p of peerParses) errors.push(...p.errors);
  const duplicatePeers = reportDuplicates(
    peerParses.map((p) => p.name),
    'BGPPeer',
    errors,
  );
  for (const { name, peer } of peerParses) {
    if (!peer || duplicatePeers.has(name)) continue;
    if (peer.bfdProfile !== undefined && !profiles.has(peer.bfdProfile)) {
      const message = `no valid BFDProfile "${peer.bfdProfile}"; the session waits for it`;
      errors.push({
        kind: 'BGPPeer',
        name,
        path: 'spec.bfdProfile',
        reason: ConfigErrorReason.UnknownReference,
        message,
      });
      waiting.set(name, { peer, reason: `spec.bfdProfile: ${message}` });
      continue;
    }
    peers.set(name, peer);
  }

  const knownPeers = new Set(peerParses.map((p) => p.name).filter((n) => n !== ''));
  const adParses = objects.advertisements.map(parseBgpAdvertisement);
  for (const a of adParses) errors.push(...a.errors);
  const duplicateAds = reportDuplicates(
    adParses.map((a) => a.name),
    'BGPAdvertisement',
    errors,
  );
  const advertisements: BgpAdvertisementConfig[] = [];
  for (const { name, draft } of adParses) {
    if (!draft || duplicateAds.has(name)) continue;
    const warn = (path: string, reason: ConfigErrorReason, message: string) =>
      errors.push({ kind: 'BGPAdvertisement', name, path, reason, message });
    draft.poolNames.forEach((pool, i) => {
      if (!knownPools.has(pool))
        warn(`spec.ipAddressPools[${i}]`, ConfigErrorReason.UnknownPool, `no IPAddressPool "${pool}"`);
    });
    draft.peers.forEach((peer, i) => {
      if (!knownPeers.has(peer))
        warn(
          `spec.peers[${i}]`,
          ConfigErrorReason.UnknownPeer,
          `no BGPPeer "${peer}"; the other peers get it`,
        );
    });
    const communities: CommunityValue[] = [];
    let unresolved = false;
    draft.communities.forEach((text, i) => {
      const literal = parseCommunity(text);
      const value = literal.ok ? literal.community : aliases.get(text);
      if (value) {
        communities.push(value);
        return;
      }
      unresolved = true;
      warn(
        `spec.communities[${i}]`,
        ConfigErrorReason.UnknownReference,
        `"${text}" is neither a community value (65535:65282, large:1:2:3) nor an alias in a Community object`,
      );
    });
    if (!unresolved) advertisements.push({ ...draft, communities });
  }
  advertisements.sort((a, b) => compareNames(a.name, b.name));

  return { peers, waiting, advertisements, bfdProfiles: profiles, errors: errors.sort(compareErrors) };
}

/** Every Community object's aliases in one map; an alias defined by two objects is refused in both. */
function resolveAliases(raws: readonly unknown[], errors: ConfigError[]): Map<string, CommunityValue> {
  const parses = raws.map(parseCommunityAliases);
  const owners = new Map<string, string[]>();
  for (const p of parses) {
    errors.push(...p.errors);
    for (const alias of p.aliases.keys()) owners.set(alias, [...(owners.get(alias) ?? []), p.name]);
  }
  const out = new Map<string, CommunityValue>();
  for (const p of parses)
    for (const [alias, value] of p.aliases) {
      const by = owners.get(alias) ?? [];
      if (by.length === 1) {
        out.set(alias, value);
        continue;
      }
      errors.push({
        kind: 'Community',
        name: p.name,
        path: 'spec.communities',
        reason: ConfigErrorReason.DuplicateName,
        message: `alias "${alias}" is also defined in Community ${
          by
            .filter((n) => n !== p.name)
            .map((n) => `"${n}"`)
            .join(', ') || `"${p.name}"`
        }; neither is used`,
      });
    }
  return out;
}
