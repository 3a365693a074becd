import type { Address } from '../net/address.js';

/** Why an allocation was refused: stable values for Events, metrics and tests. */
export type RefusalReason =
  | 'InvalidRequest'
  | 'UnknownPool'
  | 'NoPoolForService'
  | 'IPOutsidePools'
  | 'IPInUse'
  | 'PortClash'
  | 'FamilyUnavailable'
  | 'PoolExhausted';

export type AllocationResult =
  | { readonly ok: true; readonly ips: readonly Address[]; readonly pool: string }
  | { readonly ok: false; readonly reason: RefusalReason; readonly message: string };

export function refuse(reason: RefusalReason, message: string): AllocationResult {
  return { ok: false, reason, message };
}
