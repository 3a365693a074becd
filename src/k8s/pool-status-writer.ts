import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, IP_ADDRESS_POOL, VERSION } from '../config/crd-types.js';

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

export function apiPoolStatusWriter(kc: KubeConfig): PoolStatusWriter {
  const api = kc.makeApiClient(CustomObjectsApi);
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return {
    async write(namespace, name, status) {
      await api.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: VERSION,
          plural: IP_ADDRESS_POOL.plural,
          namespace,
          name,
          body: { status },
        },
        mergePatch,
      );
    },
  };
}
