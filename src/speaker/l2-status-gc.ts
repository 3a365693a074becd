/** What the speaker reads of a ServiceL2Status to decide whether it is stale. */
export interface L2StatusObject {
  readonly name: string;
  readonly serviceKey: string;
  readonly node: string | undefined;
}

export interface L2StatusGcInput {
  readonly objects: readonly L2StatusObject[];
  /** `<namespace>/<name>` of every Service that has IPs from BareLB right now. */
  readonly announced: ReadonlySet<string>;
  readonly self: string;
  /** Speakers alive by heartbeat (self included or not; self is always counted). */
  readonly alive: readonly string[];
}

/**
 * The ServiceL2Status objects this speaker should delete: those whose Service is gone or has no
 * BareLB IP any more. One speaker deletes each, so they do not all race for it: the node the
 * object names, or, when that node is dead (the usual reason a status outlives its Service is that
 * its owner died with it), the first live speaker by name. A delete that races anyway gets a 404,
 * which is harmless.
 */
export function l2StatusesToDelete(input: L2StatusGcInput): string[] {
  const alive = new Set([...input.alive, input.self]);
  const first = [...alive].sort()[0];
  const out: string[] = [];
  for (const o of input.objects) {
    if (input.announced.has(o.serviceKey)) continue;
    const deleter = o.node !== undefined && alive.has(o.node) ? o.node : first;
    if (deleter === input.self) out.push(o.name);
  }
  return out;
}
