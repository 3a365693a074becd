import type { V1Service } from '@kubernetes/client-node';
import { type Allocator, serviceRequestFrom } from '../allocator/index.js';
import { compareNames } from '../config/index.js';
import { type Address, parseAddress } from '../net/address.js';
import { isOurs, serviceKey, statusIps } from './service-class.js';

/**
 * Restores the allocator from Service status, the controller's only persisted state, before anything
 * is reconciled: so a restart moves no IP. Services that hold IPs go in creation order, so when two
 * claim one address (a bug or a hand edit) the older keeps it; the refused one is reconciled after.
 * Code-unit order, not localeCompare: RFC 3339 times sort as text, and ICU's collator would map
 * about 3 MiB more of Node's binary into a process that otherwise never touches it (issue 14).
 */
export function rebuildAllocator(
  alloc: Allocator,
  services: readonly V1Service[],
  lbClass: string,
  namespaceLabels: (ns: string) => Readonly<Record<string, string>>,
): { assigned: number; refused: string[] } {
  const holding = services
    .filter((s) => isOurs(s, lbClass) && statusIps(s).length > 0)
    .sort((a, b) => compareNames(created(a), created(b)) || compareNames(serviceKey(a), serviceKey(b)));
  let assigned = 0;
  const refused: string[] = [];
  for (const svc of holding) {
    const ips = statusIps(svc)
      .map(parseAddress)
      .filter((a): a is Address => a !== undefined);
    const r = alloc.assign(serviceRequestFrom(svc, namespaceLabels(svc.metadata?.namespace ?? '')), ips);
    if (r.ok) assigned++;
    else refused.push(serviceKey(svc));
  }
  return { assigned, refused };
}

function created(s: V1Service): string {
  const t = s.metadata?.creationTimestamp;
  return t instanceof Date ? t.toISOString() : String(t ?? '');
}
