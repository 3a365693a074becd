/** The parts of an object's metadata that say whether its spec moved. */
interface Versioned {
  readonly metadata?: { readonly uid?: string; readonly generation?: number };
}

/**
 * Tells a config object's spec changes from its status-only updates.
 *
 * The controller writes IPAddressPool status (at most once a second during a burst), and each of
 * those writes comes back from the watch as an update. Treating it as a config change would
 * re-queue every Service once a second, and reconcile some of them against a cache that has not
 * yet seen their own status write (a 409 and a retry each). With a status subresource,
 * `metadata.generation` moves only when the spec does. Objects are keyed by uid, so one deleted and
 * created again under its name counts as new. An object without a generation always counts as
 * changed: resyncing too often is safe, too rarely is not.
 */
export class SpecChanges {
  private readonly seen = new Map<string, number>();

  /** True when `obj` is new, or its generation differs from the last one seen. Remembers it. */
  changed(obj: Versioned): boolean {
    const uid = obj.metadata?.uid;
    const generation = obj.metadata?.generation;
    if (uid === undefined || generation === undefined) return true;
    if (this.seen.get(uid) === generation) return false;
    this.seen.set(uid, generation);
    return true;
  }

  forget(obj: Versioned): void {
    const uid = obj.metadata?.uid;
    if (uid !== undefined) this.seen.delete(uid);
  }
}
