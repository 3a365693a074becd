import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';

/** The three Lease calls leader election and membership need; tests use an in-memory fake. */
export interface LeaseClient {
  get(namespace: string, name: string): Promise<V1Lease | undefined>;
  create(lease: V1Lease): Promise<V1Lease>;
  /** Replaces with the lease's resourceVersion as a precondition: a stale writer gets a conflict. */
  replace(lease: V1Lease): Promise<V1Lease>;
}

export function apiLeaseClient(kc: KubeConfig): LeaseClient {
  const api = kc.makeApiClient(CoordinationV1Api);
  return {
    async get(namespace, name) {
      try {
        return await api.readNamespacedLease({ namespace, name });
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    },
    create: (lease) => api.createNamespacedLease({ namespace: lease.metadata?.namespace ?? '', body: lease }),
    replace: (lease) =>
      api.replaceNamespacedLease({
        namespace: lease.metadata?.namespace ?? '',
        name: lease.metadata?.name ?? '',
        body: lease,
      }),
  };
}

/** The HTTP status of a client-node ApiException, or undefined for other errors. */
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
