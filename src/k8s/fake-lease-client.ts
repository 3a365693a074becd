import type { V1Lease } from '@kubernetes/client-node';
import type { LeaseClient } from './lease-client.js';

/**
 * An in-memory Lease store with the apiserver's optimistic concurrency: a replace whose
 * resourceVersion is stale fails with 409, as the real one does. For unit tests only.
 */
export class FakeLeaseStore {
  private leases = new Map<string, V1Lease>();
  private rv = 0;
  /** While set, every replace waits for it, in arrival order (see hold). */
  private gate: Promise<void> | undefined;
  writes = 0;

  /**
   * Holds every replace from now until the returned function is called; they then run in the order
   * they arrived. A test uses it to stretch a renewal in flight.
   */
  hold(): () => void {
    let open: () => void = () => {};
    this.gate = new Promise<void>((r) => {
      open = r;
    });
    return () => {
      this.gate = undefined;
      open();
    };
  }

  client(opts: { failing?: () => boolean } = {}): LeaseClient {
    const check = () => {
      if (opts.failing?.()) throw Object.assign(new Error('connection refused'), { code: 503 });
    };
    return {
      get: async (ns, name) => {
        check();
        const l = this.leases.get(`${ns}/${name}`);
        return l ? structuredClone(l) : undefined;
      },
      create: async (lease) => {
        check();
        const key = `${lease.metadata?.namespace}/${lease.metadata?.name}`;
        if (this.leases.has(key)) throw Object.assign(new Error('exists'), { code: 409 });
        return this.store(key, lease);
      },
      replace: async (lease) => {
        if (this.gate) await this.gate;
        check();
        const key = `${lease.metadata?.namespace}/${lease.metadata?.name}`;
        const cur = this.leases.get(key);
        if (!cur || cur.metadata?.resourceVersion !== lease.metadata?.resourceVersion) {
          throw Object.assign(new Error('conflict'), { code: 409 });
        }
        return this.store(key, lease);
      },
    };
  }

  get(ns: string, name: string): V1Lease | undefined {
    return this.leases.get(`${ns}/${name}`);
  }

  private store(key: string, lease: V1Lease): V1Lease {
    this.writes++;
    const stored = structuredClone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++this.rv) },
    });
    this.leases.set(key, stored);
    return structuredClone(stored);
  }
}
