import type { ServiceRequest } from './service-request.js';

/**
 * Whether two Services may hold the same IP (MetalLB's rules): both carry the same non-empty
 * sharing key; if either is externalTrafficPolicy: Local they must select the same pods (the IP
 * can only be announced from nodes with local endpoints of both); and no {protocol, port} is used
 * by both. Returns why not, or undefined.
 */
export function sharingConflict(
  a: ServiceRequest,
  b: ServiceRequest,
): { reason: 'IPInUse' | 'PortClash'; why: string } | undefined {
  if (!a.sharingKey || a.sharingKey !== b.sharingKey) {
    return {
      reason: 'IPInUse',
      why: `it is used by ${b.key}${b.sharingKey ? ` with another sharing key` : ', which does not allow sharing'}`,
    };
  }
  if ((a.local || b.local) && (a.local !== b.local || a.selector !== b.selector)) {
    return {
      reason: 'IPInUse',
      why: `${b.key} shares it but has another externalTrafficPolicy or pod selector`,
    };
  }
  for (const p of a.ports) {
    if (b.ports.some((q) => q.protocol === p.protocol && q.port === p.port)) {
      return { reason: 'PortClash', why: `${b.key} already uses ${p.protocol}/${p.port} on it` };
    }
  }
  return undefined;
}
