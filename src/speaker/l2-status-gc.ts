/** What the speaker reads of a ServiceL2Status to decide whether it is stale. */
export interface L2StatusObject {
  readonly name: string;
  readonly serviceKey: string;
  readonly node: string | undefined;
  readonly lastTakeoverTime?: string | undefined;
}

export interface L2StatusGcInput {
  readonly objects: readonly L2StatusObject[];
  /** `<namespace>/<name>` of every Service that has IPs from BareLB right now. */
  readonly announced: ReadonlySet<string>;
  readonly self: string;
  /** Speakers alive by heartbeat (self included or not; self is always counted). */
  readonly alive: readonly string[];
  /** When each object was first seen stale (or last deleted), from the previous call. */
  readonly staleSince: ReadonlyMap<string, number>;
  readonly now: number;
}

export interface L2StatusGcResult {
  readonly toDelete: readonly string[];
  /** The stale objects and their times, to pass to the next call. */
  readonly staleSince: ReadonlyMap<string, number>;
}

/**
 * How long an object must look stale before it is deleted, and between retries: the two watches
 * (statuses, Services) may be a moment apart, and a status just written for a Service this cache has
 * not seen yet is not stale.
 */
export const STALE_CONFIRM_MS = 3_000;

/** Object name, Service key and node of each ServiceL2Status that says which Service it describes. */
export function l2StatusObjects(
  items: readonly { metadata?: { name?: string }; status?: unknown }[],
): L2StatusObject[] {
  return items.flatMap((o) => {
    const st = o.status as
      | { serviceNamespace?: string; serviceName?: string; node?: string; lastTakeoverTime?: string }
      | undefined;
    // Anything else is not ours to judge.
    if (!st?.serviceNamespace || !st.serviceName) return [];
    return [
      {
        name: o.metadata?.name ?? '',
        serviceKey: `${st.serviceNamespace}/${st.serviceName}`,
        node: st.node,
        lastTakeoverTime: st.lastTakeoverTime,
      },
    ];
  });
}

/**
 * The ServiceL2Status objects this speaker should delete: those whose Service is gone or has no
 * BareLB IP any more, once they have looked so for STALE_CONFIRM_MS. One speaker deletes each, so
 * they do not all race for it: the node the object names, or, when that node is dead (the usual
 * reason a status outlives its Service is that its owner died with it), the first live speaker by
 * name. A delete that races anyway gets a 404, which is harmless.
 */
export function l2StatusesToDelete(input: L2StatusGcInput): L2StatusGcResult {
  const alive = new Set([...input.alive, input.self]);
  const first = [...alive].sort()[0];
  const toDelete: string[] = [];
  const staleSince = new Map<string, number>();
  for (const o of input.objects) {
    if (input.announced.has(o.serviceKey)) continue;
    const deleter = o.node !== undefined && alive.has(o.node) ? o.node : first;
    if (deleter !== input.self) continue;
    const since = input.staleSince.get(o.name) ?? input.now;
    const due = input.now - since >= STALE_CONFIRM_MS;
    if (due) toDelete.push(o.name);
    staleSince.set(o.name, due ? input.now : since);
  }
  return { toDelete, staleSince };
}
