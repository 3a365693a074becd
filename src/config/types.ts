import type { AddressRange } from '../net/range.js';
import type { LabelSelector } from './label-selector.js';

/** Which CRD an error is about; used in messages as `pool "lan"` / `l2advertisement "all"`. */
export type ObjectKind =
  | 'IPAddressPool'
  | 'L2Advertisement'
  | 'BGPPeer'
  | 'BGPAdvertisement'
  | 'BFDProfile'
  | 'Community';

/**
 * A validation error pinned to one object and one field, printed as
 * `pool "lan": spec.addresses[2]: range start after end`.
 */
export interface ConfigError {
  readonly kind: ObjectKind;
  readonly name: string;
  /** Field path inside the object, e.g. `spec.addresses[2]`; empty when the whole object is at fault. */
  readonly path: string;
  readonly message: string;
  /** Stable machine-readable reason for conditions and metrics, e.g. `Overlap`, `BadAddress`. */
  readonly reason: string;
}

/** A validated IPAddressPool. */
export interface PoolConfig {
  readonly name: string;
  /** Sorted by family then first address; never overlapping (validation merges nothing, it refuses). */
  readonly ranges: readonly AddressRange[];
  readonly autoAssign: boolean;
  /** Skip .0 and .255 addresses of IPv4 ranges, which some old clients and routers mishandle. */
  readonly avoidBuggyIPs: boolean;
  readonly allocation: ServiceAllocation;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ServiceAllocation {
  /** Lower wins; undefined sorts after every number. */
  readonly priority: number | undefined;
  /** Namespaces by name; with namespaceSelectors, a Service's namespace must match one of either (when any is set). */
  readonly namespaces: readonly string[];
  readonly namespaceSelectors: readonly LabelSelector[];
  /** When set, the Service's labels must match one of them. */
  readonly serviceSelectors: readonly LabelSelector[];
}

/** A validated L2Advertisement. */
export interface L2AdvertisementConfig {
  readonly name: string;
  /** Pool names listed in `ipAddressPools`. */
  readonly poolNames: readonly string[];
  readonly poolSelectors: readonly LabelSelector[];
  /** Empty means every node. */
  readonly nodeSelectors: readonly LabelSelector[];
  /** Empty means every Service; else the Service's labels must match one of them. */
  readonly serviceSelectors: readonly LabelSelector[];
  /** Empty means the speaker's default interface choice. */
  readonly interfaces: readonly string[];
}

/** Everything valid, plus what was refused and why. Invalid objects are left out; the rest keep working. */
export interface Config {
  readonly pools: ReadonlyMap<string, PoolConfig>;
  readonly l2Advertisements: readonly L2AdvertisementConfig[];
  readonly errors: readonly ConfigError[];
}
