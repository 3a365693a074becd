// Wire shapes of the barelb.io/v1alpha1 objects, matching config/crd/*.yaml. They describe what a
// well-formed object looks like; objects read from the API are still treated as unknown and validated by
// parsePool / parseL2Advertisement, because a cache can hold whatever an older CRD version admitted.

import type { LabelSelector } from './label-selector.js';

export const GROUP = 'barelb.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
/** Where BareLB runs and keeps its pools, advertisements and Leases unless told otherwise. */
export const DEFAULT_NAMESPACE = 'barelb-system';

export const IP_ADDRESS_POOL = { kind: 'IPAddressPool', plural: 'ipaddresspools' } as const;
export const L2_ADVERTISEMENT = { kind: 'L2Advertisement', plural: 'l2advertisements' } as const;
export const SERVICE_L2_STATUS = { kind: 'ServiceL2Status', plural: 'servicel2statuses' } as const;
// BGP mode (issue 17): MetalLB's kinds and field names, in BareLB's group, so `barelb migrate` only
// changes the apiVersion. BGPSessionStatus is BareLB's own: one per (peer, node), written by that
// node's speaker when its session changes state.
export const BGP_PEER = { kind: 'BGPPeer', plural: 'bgppeers' } as const;
export const BGP_ADVERTISEMENT = { kind: 'BGPAdvertisement', plural: 'bgpadvertisements' } as const;
export const BFD_PROFILE = { kind: 'BFDProfile', plural: 'bfdprofiles' } as const;
export const COMMUNITY = { kind: 'Community', plural: 'communities' } as const;
export const BGP_SESSION_STATUS = { kind: 'BGPSessionStatus', plural: 'bgpsessionstatuses' } as const;

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** metav1.Condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  /** RFC 3339 time. */
  lastTransitionTime: string;
  /** CamelCase, e.g. `Overlap`. */
  reason: string;
  message: string;
}

export interface IPAddressPool {
  apiVersion?: typeof API_VERSION;
  kind?: typeof IP_ADDRESS_POOL.kind;
  metadata: ObjectMeta;
  spec: IPAddressPoolSpec;
  status?: IPAddressPoolStatus;
}

export interface IPAddressPoolSpec {
  /** CIDRs (`198.18.100.0/24`) and ranges (`198.18.100.10-198.18.100.20`), IPv4 and IPv6. */
  addresses: string[];
  /** Default true. When false, only Services asking for this pool or one of its IPs get addresses from it. */
  autoAssign?: boolean;
  /** Default false. Skip IPv4 .0 and .255 addresses. */
  avoidBuggyIPs?: boolean;
  serviceAllocation?: ServiceAllocationSpec;
}

export interface ServiceAllocationSpec {
  /** Lower is preferred; pools without a priority come last. */
  priority?: number;
  namespaces?: string[];
  namespaceSelectors?: LabelSelector[];
  serviceSelectors?: LabelSelector[];
}

export interface IPAddressPoolStatus {
  assignedIPv4?: number;
  assignedIPv6?: number;
  /** Decimal strings: a /64 alone holds more addresses than an int64 can count. */
  availableIPv4?: string;
  availableIPv6?: string;
  conditions?: Condition[];
}

export interface L2Advertisement {
  apiVersion?: typeof API_VERSION;
  kind?: typeof L2_ADVERTISEMENT.kind;
  metadata: ObjectMeta;
  spec?: L2AdvertisementSpec;
}

export interface L2AdvertisementSpec {
  /** Pools by name. With ipAddressPoolSelectors, a pool is covered when either matches; with neither, all are. */
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelector[];
  /** Nodes that may announce; empty means all. */
  nodeSelectors?: LabelSelector[];
  /** Services announced through this advertisement, by their labels; empty means all. */
  serviceSelectors?: LabelSelector[];
  /** Interfaces to announce on; empty means the speaker's default choice. */
  interfaces?: string[];
}

/** Which node announces a Service's IPs, on which interfaces. Written by the announcing speaker. */
export interface ServiceL2Status {
  apiVersion?: typeof API_VERSION;
  kind?: typeof SERVICE_L2_STATUS.kind;
  metadata: ObjectMeta;
  status?: ServiceL2StatusStatus;
}

export interface ServiceL2StatusStatus {
  node?: string;
  interfaces?: string[];
  serviceName?: string;
  serviceNamespace?: string;
  ips?: string[];
  /** RFC 3339 time of the last change of node. */
  lastTakeoverTime?: string;
}

/** One node's session with one BGPPeer, as that node's speaker last saw it. Named `<peer>-<node>`. */
export interface BgpSessionStatus {
  apiVersion?: typeof API_VERSION;
  kind?: typeof BGP_SESSION_STATUS.kind;
  metadata: ObjectMeta;
  status?: BgpSessionStatusStatus;
}

export interface BgpSessionStatusStatus {
  node?: string;
  peer?: string;
  peerAddress?: string;
  /** Connecting, Established, Down (with why in the Established condition) or Refused (a setting it cannot honour). */
  state?: 'Connecting' | 'Established' | 'Down' | 'Refused';
  /** Type Established: True when the session is up; otherwise its reason and message say why not. */
  conditions?: Condition[];
}
