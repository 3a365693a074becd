import type { ShareTerms } from './intent.js';
import type { IpUse } from './ip-uses.js';

export interface Clash {
  readonly reason: 'IPInUse' | 'PortClash';
  /** Completes "198.18.0.5 is ...": says who holds it and why it cannot be shared. */
  readonly why: string;
}

/**
 * Why the Service `key` may not hold the address `use` next to its other users, or undefined when
 * it may (MetalLB's rules): every user carries the same non-empty allow-shared-ip key; all are
 * externalTrafficPolicy Cluster, or all Local with the same pod selector (a Local IP is announced
 * only from nodes with local endpoints, which must be the same for all); no {protocol, port} is
 * used twice. The Service's own holding is not a clash, so re-assigning is idempotent.
 */
export function sharingClash(use: IpUse, key: string, terms: ShareTerms): Clash | undefined {
  for (const [other, held] of use.users) {
    if (other === key) continue;
    const clash = pairClash(terms, other, held.share);
    if (clash) return clash;
  }
  return undefined;
}

function pairClash(mine: ShareTerms, other: string, theirs: ShareTerms): Clash | undefined {
  if (theirs.sharingKey === undefined)
    return { reason: 'IPInUse', why: `used by ${other}, which does not allow sharing` };
  if (mine.sharingKey === undefined)
    return { reason: 'IPInUse', why: `used by ${other}, and this Service has no allow-shared-ip key` };
  if (mine.sharingKey !== theirs.sharingKey)
    return {
      reason: 'IPInUse',
      why: `used by ${other} with sharing key "${theirs.sharingKey}", not "${mine.sharingKey}"`,
    };
  if (mine.backend !== theirs.backend)
    return {
      reason: 'IPInUse',
      why: `used by ${other}, whose externalTrafficPolicy or pod selector differs (Services sharing an IP must all be Cluster, or all Local selecting the same pods)`,
    };
  const port = firstCommon(mine.ports, theirs.ports);
  if (port !== undefined)
    return { reason: 'PortClash', why: `used by ${other}, which already serves ${port} on it` };
  return undefined;
}

/** The first element of two sorted lists in both, in one merge pass. */
function firstCommon(a: readonly string[], b: readonly string[]): string | undefined {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x === y) return x;
    if (x < y) i++;
    else j++;
  }
  return undefined;
}
