import type { Address } from '../net/address.js';

/**
 * Why the allocator said no. Stable values: the controller puts them in Events and in the
 * `reason` label of barelb_controller_allocation_failures_total, and tests compare them.
 */
export type RefusalReason =
  /** The request value itself is unusable (no key, nothing to assign). */
  | 'InvalidRequest'
  /** loadBalancerIPs / spec.loadBalancerIP, or an address given to assign, is not an IP address. */
  | 'BadAddress'
  /** More than one address of one family. */
  | 'TooManyIPs'
  /** The addresses do not fit the Service's ipFamilies / ipFamilyPolicy. */
  | 'FamilyMismatch'
  /** assign() was handed addresses other than the ones the Service asks for. */
  | 'NotRequested'
  | 'UnknownPool'
  /** No pool may serve this Service (namespaces, namespaceSelectors, serviceSelectors). */
  | 'NoPoolForService'
  /** Only autoAssign: false pools serve it, and it named neither a pool nor an address. */
  | 'PoolNotAutoAssign'
  | 'IPOutsidePools'
  /** An x.0 or x.255 address of a pool with avoidBuggyIPs. */
  | 'AvoidedIP'
  /** Used by a Service it may not be shared with (sharing key, traffic policy or pod selector). */
  | 'IPInUse'
  /** Shareable, but a Service on it already uses one of the same {protocol, port}. */
  | 'PortClash'
  /** No pool this Service may use has addresses of a family it needs. */
  | 'FamilyUnavailable'
  | 'PoolExhausted';

/** A refusal before the request's warnings are attached. */
export interface Problem {
  readonly reason: RefusalReason;
  readonly message: string;
}

export interface Allocation {
  readonly ok: true;
  /** In the Service's ipFamilies order, as status.loadBalancer.ingress lists them. */
  readonly ips: readonly Address[];
  readonly pool: string;
  /** Deprecated or conflicting ways of asking (for Events); never a reason to refuse. */
  readonly warnings: readonly string[];
}

export interface Refusal extends Problem {
  readonly ok: false;
  readonly warnings: readonly string[];
}

export type AllocationResult = Allocation | Refusal;

export function problem(reason: RefusalReason, message: string): Problem {
  return { reason, message };
}
