import { BFD_PROFILE, BGP_ADVERTISEMENT, BGP_PEER, COMMUNITY } from './crd-types.js';

// The spec fields of BGP mode's kinds: MetalLB v0.16's, which BareLB's CRDs declare and its parsers read.
// `barelb migrate` copies these and refuses to drop any other; the CRD test checks config/crd against them.

/** Every spec field of each BGP kind. */
export const BGP_SPEC_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    BGP_PEER.kind,
    [
      'myASN',
      'peerASN',
      'dynamicASN',
      'peerAddress',
      'peerPort',
      'sourceAddress',
      'routerID',
      'holdTime',
      'keepaliveTime',
      'connectTime',
      'nodeSelectors',
      'password',
      'passwordSecret',
      'bfdProfile',
      'enableGracefulRestart',
      'ebgpMultiHop',
      'dualStackAddressFamily',
      'disableMP',
      'vrf',
      'interface',
    ],
  ],
  [
    BGP_ADVERTISEMENT.kind,
    [
      'aggregationLength',
      'aggregationLengthV6',
      'localPref',
      'communities',
      'ipAddressPools',
      'ipAddressPoolSelectors',
      'nodeSelectors',
      'peers',
    ],
  ],
  [
    BFD_PROFILE.kind,
    [
      'receiveInterval',
      'transmitInterval',
      'detectMultiplier',
      'echoInterval',
      'echoMode',
      'passiveMode',
      'minimumTtl',
    ],
  ],
  [COMMUNITY.kind, ['communities']],
]);
