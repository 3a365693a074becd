import type { V1LoadBalancerIngress } from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.js';

/** What the controller writes on a Service: its ingress IPs and the annotations it owns. */
export interface ServiceStatusWrite {
  readonly namespace: string;
  readonly name: string;
  /** The resourceVersion the decision was made on; the write fails with 409 if the Service moved on. */
  readonly resourceVersion: string;
  readonly ingress: readonly V1LoadBalancerIngress[];
  /** Annotation values to set; null removes the annotation. */
  readonly annotations: Readonly<Record<string, string | null>>;
}

export interface ServiceStatusWriter {
  write(w: ServiceStatusWrite): Promise<void>;
}

/**
 * One merge patch on the status subresource writes both the ingress and our annotations: the
 * Service status strategy keeps metadata changes, so an allocation costs one API write, and the
 * controller needs RBAC on `services/status` only, never on the Service itself. The resourceVersion
 * in the patch makes it conditional: a replica acting on a stale cache gets 409, never a silent
 * overwrite of a newer decision. The answer is drained unread: the informer sees the change anyway.
 */
export function apiServiceStatusWriter(api: KubeApi): ServiceStatusWriter {
  return {
    async write(w) {
      const body = {
        metadata: { resourceVersion: w.resourceVersion, annotations: w.annotations },
        // A merge patch replaces lists whole, so an empty list clears every ingress entry.
        status: { loadBalancer: { ingress: w.ingress } },
      };
      const path = `/api/v1/namespaces/${encodeURIComponent(w.namespace)}/services/${encodeURIComponent(w.name)}/status`;
      await api.request('PATCH', path, { body, contentType: 'application/merge-patch+json', discard: true });
    },
  };
}
