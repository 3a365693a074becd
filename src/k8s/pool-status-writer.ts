import { API_VERSION, IP_ADDRESS_POOL } from '../config/crd-types.js';
import type { KubeApi } from './kube-api.js';

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number;
}

/** The status of an IPAddressPool as the controller reports it. */
export interface PoolStatus {
  readonly assignedIPv4: number;
  readonly assignedIPv6: number;
  /** Strings: an IPv6 pool's free count does not fit in an int64. */
  readonly availableIPv4: string;
  readonly availableIPv6: string;
  readonly conditions: readonly Condition[];
}

export interface PoolStatusWriter {
  write(namespace: string, name: string, status: PoolStatus): Promise<void>;
}

export function apiPoolStatusWriter(api: KubeApi): PoolStatusWriter {
  return {
    async write(namespace, name, status) {
      const path = `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/${IP_ADDRESS_POOL.plural}/${encodeURIComponent(name)}/status`;
      await api.request('PATCH', path, {
        body: { status },
        contentType: 'application/merge-patch+json',
        discard: true,
      });
    },
  };
}
