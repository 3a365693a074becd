import type { Allocator } from '../allocator/index.js';
import { type Config, type ConfigError, formatConfigError, isWarning } from '../config/index.js';
import type { Condition, PoolStatus } from '../k8s/pool-status-writer.js';
import type { PlannedEvent } from './reconcile-service.js';

export interface PoolStatusPlan {
  readonly name: string;
  readonly uid: string | undefined;
  readonly status: PoolStatus;
  /** The status without timestamps, to tell whether anything changed. */
  readonly statusWithoutTimes: unknown;
  readonly totalIPv4: bigint;
  readonly totalIPv6: bigint;
  readonly events: readonly PlannedEvent[];
}

interface PoolObject {
  metadata?: { name?: string; uid?: string; generation?: number };
  status?: { conditions?: Condition[] };
}

/**
 * Status for every IPAddressPool object: usage per family from the allocator, and a Ready condition
 * that is False with the reason (Overlap, BadAddress, ...) when the config refused the pool.
 */
export function poolStatuses(
  config: Config,
  objects: readonly unknown[],
  alloc: Allocator,
  now: Date,
): PoolStatusPlan[] {
  const plans: PoolStatusPlan[] = [];
  for (const raw of objects) {
    const obj = raw as PoolObject;
    const name = obj.metadata?.name;
    if (!name) continue;
    const errors = config.errors.filter(
      (e: ConfigError) => e.kind === 'IPAddressPool' && e.name === name && !isWarning(e),
    );
    const valid = config.pools.has(name);
    const usage = valid ? alloc.usage(name) : undefined;
    const assignedIPv4 = usage?.assigned.IPv4 ?? 0;
    const assignedIPv6 = usage?.assigned.IPv6 ?? 0;
    const availableIPv4 = usage?.available.IPv4 ?? 0n;
    const availableIPv6 = usage?.available.IPv6 ?? 0n;
    const ready = valid && errors.length === 0;
    const reason = ready ? 'Ready' : (errors[0]?.reason ?? 'Invalid');
    const message = ready ? 'pool is in use' : errors.map(formatConfigError).join('; ');
    const previous = obj.status?.conditions?.find((c) => c.type === 'Ready');
    const status: 'True' | 'False' = ready ? 'True' : 'False';
    const condition: Condition = {
      type: 'Ready',
      status,
      reason,
      message,
      lastTransitionTime:
        previous && previous.status === status ? previous.lastTransitionTime : now.toISOString(),
      ...(obj.metadata?.generation !== undefined ? { observedGeneration: obj.metadata.generation } : {}),
    };
    const poolStatus: PoolStatus = {
      assignedIPv4,
      assignedIPv6,
      availableIPv4: availableIPv4.toString(),
      availableIPv6: availableIPv6.toString(),
      conditions: [condition],
    };
    const turnedBad = !ready && previous?.status !== 'False';
    plans.push({
      name,
      uid: obj.metadata?.uid,
      status: poolStatus,
      statusWithoutTimes: { ...poolStatus, conditions: [{ ...condition, lastTransitionTime: undefined }] },
      totalIPv4: BigInt(assignedIPv4) + availableIPv4,
      totalIPv6: BigInt(assignedIPv6) + availableIPv6,
      events: turnedBad ? [{ type: 'Warning', reason: 'InvalidPool', message }] : [],
    });
  }
  return plans;
}
