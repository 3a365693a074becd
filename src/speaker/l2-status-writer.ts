import { API_VERSION, SERVICE_L2_STATUS } from '../config/crd-types.js';
import type { KubeApi } from '../k8s/kube-api.js';
import { deleteIfPresent, putOrCreate } from '../k8s/put-or-create.js';

export interface L2StatusRecord {
  readonly serviceNamespace: string;
  readonly serviceName: string;
  readonly node: string;
  readonly interfaces: readonly string[];
  readonly ips: readonly string[];
  readonly lastTakeoverTime: string;
}

/**
 * One ServiceL2Status per Service, in the BareLB namespace, named `<namespace>.<service>` (a dot cannot
 * appear in either name, so names never collide). Written by the node that takes the Service over, at
 * takeover only: no write in steady state.
 */
export class L2StatusWriter {
  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
  ) {}

  static objectName(serviceNamespace: string, serviceName: string): string {
    return `${serviceNamespace}.${serviceName}`;
  }

  private path(name?: string): string {
    const base = `/apis/${API_VERSION}/namespaces/${encodeURIComponent(this.namespace)}/${SERVICE_L2_STATUS.plural}`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  async write(r: L2StatusRecord): Promise<void> {
    const name = L2StatusWriter.objectName(r.serviceNamespace, r.serviceName);
    const status = {
      node: r.node,
      interfaces: [...r.interfaces],
      ips: [...r.ips],
      serviceName: r.serviceName,
      serviceNamespace: r.serviceNamespace,
      lastTakeoverTime: r.lastTakeoverTime,
    };
    const body = {
      apiVersion: API_VERSION,
      kind: SERVICE_L2_STATUS.kind,
      metadata: { name, namespace: this.namespace },
      status,
    };
    await putOrCreate(this.api, this.path(), body);
  }

  /** Deletes a ServiceL2Status by object name; one already gone is not an error. */
  async removeByName(name: string): Promise<void> {
    await deleteIfPresent(this.api, this.path(name));
  }
}
