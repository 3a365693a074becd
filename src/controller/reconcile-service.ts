import type { V1LoadBalancerIngress, V1Service } from '@kubernetes/client-node';
import { type Allocator, type ServiceRequest, serviceRequestFrom } from '../allocator/index.js';
import { type Address, formatAddress, parseAddress } from '../net/address.js';
import { isOurs, POOL_ANNOTATION, statusIps } from './service-class.js';

export interface PlannedEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/**
 * What reconciling one Service decided. The allocator (in-memory, pure) is already updated; the
 * shell writes `write` and records `events`. Addresses the Service gave up stay quarantined in the
 * allocator until the shell confirms the write (`Allocator.confirmReleased`); `released` tells it
 * addresses already went back to a pool (the Service is gone), so Services waiting for one get
 * another look.
 */
export interface ServicePlan {
  readonly write?: {
    readonly ingress: V1LoadBalancerIngress[];
    readonly annotations: Record<string, string | null>;
  };
  readonly events: readonly PlannedEvent[];
  /** The Service wants IPs and has none: retried when an address frees up or the config changes. */
  readonly pending: boolean;
  readonly released: boolean;
  /** Allocation refusal reason, for metrics. */
  readonly failure?: string;
  /** Pool the Service's IPs now come from, for metrics. */
  readonly allocatedFrom?: string;
}

export interface ReconcileInput {
  readonly key: string;
  /** The Service from the cache, or undefined when it was deleted. Never mutated. */
  readonly svc: V1Service | undefined;
  readonly lbClass: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

const NOTHING: ServicePlan = { events: [], pending: false, released: false };

/** Decides one Service: allocate, keep, move, or clear its IPs. No I/O. */
export function reconcileService(alloc: Allocator, input: ReconcileInput): ServicePlan {
  const { key, svc } = input;
  if (!svc) {
    // Gone from the API (the informer saw the delete), so its release needs no write to confirm.
    alloc.release(key);
    return { ...NOTHING, released: alloc.confirmReleased(key).length > 0 };
  }
  if (!isOurs(svc, input.lbClass)) return clearIfOurs(alloc, key, svc);

  const req = serviceRequestFrom(svc, input.namespaceLabels);
  const events: PlannedEvent[] = req.warnings.map((w) => ({
    type: 'Warning',
    reason: 'DeprecatedOrConflictingRequest',
    message: w,
  }));

  // Keep what the Service holds as long as it still fits its request: IPs never move needlessly.
  const held = alloc.assignmentOf(key);
  const candidates = held?.ips ?? parseAll(statusIps(svc));
  if (candidates.length > 0) {
    const kept = alloc.assign(req, candidates);
    if (kept.ok) return finish(alloc.releasePending(key), svc, kept.ips, kept.pool, events);
  }
  // Quarantined until the write below is confirmed: see Allocator.confirmReleased.
  if (held) alloc.release(key);
  const got = alloc.allocate(req);
  if (!got.ok) {
    events.push({ type: 'Warning', reason: 'AllocationFailed', message: got.message });
    const hadIps = statusIps(svc).length > 0;
    if (hadIps)
      events.push({ type: 'Normal', reason: 'IPReleased', message: `released ${statusIps(svc).join(', ')}` });
    // A release in quarantine is confirmed only by a write, even one that changes nothing.
    const mustWrite = hadIps || svc.metadata?.annotations?.[POOL_ANNOTATION] || alloc.releasePending(key);
    return {
      ...(mustWrite ? { write: { ingress: [], annotations: { [POOL_ANNOTATION]: null } } } : {}),
      events,
      pending: true,
      released: false,
      failure: got.reason,
    };
  }
  return finish(alloc.releasePending(key), svc, got.ips, got.pool, events);
}

function finish(
  /** A release of this Service waits for a write: write even when nothing else changed. */
  releasePending: boolean,
  svc: V1Service,
  ips: readonly Address[],
  pool: string,
  events: PlannedEvent[],
): ServicePlan {
  const want = ips.map(formatAddress);
  const have = statusIps(svc);
  const samePool = svc.metadata?.annotations?.[POOL_ANNOTATION] === pool;
  const sameIps = want.length === have.length && want.every((ip, i) => ip === have[i]);
  // API servers before 1.30 drop ipMode; a missing one means VIP, so it is no reason to write again.
  const sameMode = (svc.status?.loadBalancer?.ingress ?? []).every(
    (i) => i.ipMode === undefined || i.ipMode === 'VIP',
  );
  // A release in quarantine is confirmed only by a write, even one that changes nothing.
  if (sameIps && samePool && sameMode && !releasePending)
    return { events, pending: false, released: false, allocatedFrom: pool };
  if (!sameIps) {
    if (have.length > 0)
      events.push({ type: 'Normal', reason: 'IPReleased', message: `released ${have.join(', ')}` });
    events.push({
      type: 'Normal',
      reason: 'IPAllocated',
      message: `assigned IP ${want.join(', ')} from pool "${pool}"`,
    });
  }
  return {
    write: { ingress: want.map((ip) => ({ ip, ipMode: 'VIP' })), annotations: { [POOL_ANNOTATION]: pool } },
    events,
    pending: false,
    released: false,
    allocatedFrom: pool,
  };
}

/** A Service that stopped being ours loses what we gave it, and only that. */
function clearIfOurs(alloc: Allocator, key: string, svc: V1Service): ServicePlan {
  alloc.release(key);
  const wroteIt = svc.metadata?.annotations?.[POOL_ANNOTATION] !== undefined;
  // Not written by us: what its status shows was never ours to free, so nothing waits on a write.
  if (!wroteIt) return { ...NOTHING, released: alloc.confirmReleased(key).length > 0 };
  const ips = statusIps(svc);
  return {
    write: { ingress: [], annotations: { [POOL_ANNOTATION]: null } },
    events: [
      {
        type: 'Normal',
        reason: 'ClearAssignment',
        message: `not a LoadBalancer of this class any more; released ${ips.join(', ') || 'nothing'}`,
      },
    ],
    pending: false,
    released: false,
  };
}

function parseAll(ips: readonly string[]): Address[] {
  return ips.map(parseAddress).filter((a): a is Address => a !== undefined);
}

export type { ServiceRequest };
