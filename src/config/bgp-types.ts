import type { CommunityValue } from './bgp-community.js';
import type { LabelSelector } from './label-selector.js';
import type { ConfigError } from './types.js';

// BGP mode's validated configuration (issue 17), from objects with MetalLB's field names
// (metallb.io/v1beta2 BGPPeer, v1beta1 BGPAdvertisement, BFDProfile, Community), so `barelb migrate`
// carries a MetalLB setup over field for field. Timers are in milliseconds here, whatever the object
// wrote (Go durations for BGPPeer, milliseconds for BFDProfile).

/** A validated BGPPeer: one BGP session from each node its selectors pick. */
export interface BgpPeerConfig {
  readonly name: string;
  readonly myAsn: number;
  /** The peer's AS; with `dynamicAsn`, whatever the peer's OPEN says, checked against the kind. */
  readonly peerAsn: number | undefined;
  readonly dynamicAsn: 'internal' | 'external' | undefined;
  readonly peerAddress: string;
  readonly peerPort: number;
  /** The local address to connect from; undefined lets the kernel choose. */
  readonly sourceAddress: string | undefined;
  /** BGP hold time; 0 turns keepalives and the hold timer off, as RFC 4271 allows. */
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  /** The wait between connection attempts; undefined: the session's own backoff (1 s, doubling to 30 s). */
  readonly connectTimeMs: number | undefined;
  /** The BGP identifier to send; undefined: the node's first IPv4 address. */
  readonly routerId: string | undefined;
  /** Empty means every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** A password given inline (TCP MD5, RFC 2385); for one from a Secret see passwordSecret. */
  readonly password: string | undefined;
  readonly passwordSecret: { readonly name: string; readonly namespace: string | undefined } | undefined;
  readonly bfdProfile: string | undefined;
  readonly enableGracefulRestart: boolean;
  readonly ebgpMultiHop: boolean;
  /** Both families over this one session (MP-BGP) rather than only the peer address's family. */
  readonly dualStackAddressFamily: boolean;
}

/** A validated BGPAdvertisement: which pools' addresses go to which peers, with which attributes. */
export interface BgpAdvertisementConfig {
  readonly name: string;
  /** IPv4 prefixes are announced at this length: 32 announces each address alone. */
  readonly aggregationLength: number;
  readonly aggregationLengthV6: number;
  readonly localPref: number | undefined;
  /** Resolved: aliases from Community objects are replaced by their values. */
  readonly communities: readonly CommunityValue[];
  readonly poolNames: readonly string[];
  readonly poolSelectors: readonly LabelSelector[];
  /** Empty means every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** BGPPeer names; empty means every peer. */
  readonly peers: readonly string[];
}

/** A validated BFDProfile (RFC 5880 timers, in milliseconds). */
export interface BfdProfileConfig {
  readonly name: string;
  readonly receiveIntervalMs: number;
  readonly transmitIntervalMs: number;
  readonly detectMultiplier: number;
  readonly echoIntervalMs: number;
  readonly echoMode: boolean;
  readonly passiveMode: boolean;
  readonly minimumTtl: number;
}

export interface BgpConfig {
  readonly peers: ReadonlyMap<string, BgpPeerConfig>;
  /**
   * Valid peers left out until an object they name exists (a BFDProfile), with why: the nodes they
   * pick report them Refused, so the wait shows in their BGPSessionStatus and not only in a log.
   */
  readonly waiting: ReadonlyMap<string, { readonly peer: BgpPeerConfig; readonly reason: string }>;
  readonly advertisements: readonly BgpAdvertisementConfig[];
  readonly bfdProfiles: ReadonlyMap<string, BfdProfileConfig>;
  readonly errors: readonly ConfigError[];
}
