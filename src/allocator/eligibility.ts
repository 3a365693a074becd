import { type Labels, matchesAny } from '../config/label-selector.js';
import type { PoolConfig } from '../config/types.js';

/** Who a Service is, for a pool's serviceAllocation. */
export interface Applicant {
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
}

/**
 * Whether a pool may serve a Service (MetalLB's serviceAllocation): when namespaces or
 * namespaceSelectors are set, the namespace must be listed or match one selector; when
 * serviceSelectors are set, the Service's labels must match one. Applies to every way of asking:
 * automatic, by pool name, by address.
 */
export function poolServes(pool: PoolConfig, who: Applicant): boolean {
  const a = pool.allocation;
  const namespaces = a?.namespaces ?? [];
  const namespaceSelectors = a?.namespaceSelectors ?? [];
  const serviceSelectors = a?.serviceSelectors ?? [];
  if (namespaces.length > 0 || namespaceSelectors.length > 0) {
    if (!namespaces.includes(who.namespace) && !matchesAny(namespaceSelectors, who.namespaceLabels))
      return false;
  }
  return serviceSelectors.length === 0 || matchesAny(serviceSelectors, who.labels);
}
