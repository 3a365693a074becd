/** The identity and version of a cached object: all the informer reads of it. */
export interface Versioned {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
}

export type CacheEventType = 'add' | 'update' | 'delete';
export interface CacheEvent<T> {
  readonly type: CacheEventType;
  readonly obj: T;
}

/** The cache key: namespace/name, or name for cluster-scoped objects (as client-go's MetaNamespaceKeyFunc). */
export function cacheKey(o: Versioned): string {
  const ns = o.metadata?.namespace;
  const name = o.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/**
 * Pure: a fresh list against the cache. Objects new to the cache are adds, objects whose
 * resourceVersion moved are updates, and cached objects the list lacks are deletes: after a 410
 * Gone the watch missed those deletions, and handlers must still hear of them.
 */
export function relist<T extends Versioned>(
  cache: ReadonlyMap<string, T>,
  items: readonly T[],
): { next: Map<string, T>; events: CacheEvent<T>[] } {
  const next = new Map<string, T>();
  const events: CacheEvent<T>[] = [];
  for (const obj of items) {
    const key = cacheKey(obj);
    next.set(key, obj);
    const old = cache.get(key);
    if (!old) events.push({ type: 'add', obj });
    else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
      events.push({ type: 'update', obj });
  }
  for (const [key, obj] of cache) if (!next.has(key)) events.push({ type: 'delete', obj });
  return { next, events };
}

/**
 * Pure: what one watch event does to the cache. ADDED for an object already cached is an update
 * (the watch resumed across an add it had seen in a list), MODIFIED for an unknown one an add.
 */
export function watchEvent<T extends Versioned>(
  cache: ReadonlyMap<string, T>,
  type: string,
  obj: T,
): CacheEvent<T> | undefined {
  const cached = cache.has(cacheKey(obj));
  if (type === 'ADDED' || type === 'MODIFIED') return { type: cached ? 'update' : 'add', obj };
  if (type === 'DELETED') return { type: 'delete', obj };
  return undefined;
}
