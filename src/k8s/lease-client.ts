import type { V1Lease } from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.js';

export { statusCode } from './kube-api.js';

/** The three Lease calls leader election and membership need; tests use an in-memory fake. */
export interface LeaseClient {
  get(namespace: string, name: string): Promise<V1Lease | undefined>;
  create(lease: V1Lease): Promise<V1Lease>;
  /** Replaces with the lease's resourceVersion as a precondition: a stale writer gets a conflict. */
  replace(lease: V1Lease): Promise<V1Lease>;
}

const leases = (namespace: string) =>
  `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;

/**
 * Leases as the API server returns them: times stay the MicroTime strings it wrote (six fractional
 * digits), which is what a replace must send back.
 */
export function apiLeaseClient(api: KubeApi): LeaseClient {
  return {
    get: (namespace, name) => api.get<V1Lease>(`${leases(namespace)}/${encodeURIComponent(name)}`),
    create: (lease) =>
      api.request<V1Lease>('POST', leases(lease.metadata?.namespace ?? ''), {
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease },
      }),
    replace: (lease) =>
      api.request<V1Lease>(
        'PUT',
        `${leases(lease.metadata?.namespace ?? '')}/${encodeURIComponent(lease.metadata?.name ?? '')}`,
        { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease } },
      ),
  };
}
