import { API_VERSION, SERVICE_L2_STATUS } from '../config/crd-types.js';
import { type KubeApi, statusCode } from '../k8s/kube-api.js';

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
    try {
      const current = await this.api.request<{ metadata?: { resourceVersion?: string } }>(
        'GET',
        this.path(name),
      );
      await this.api.request('PUT', this.path(name), {
        discard: true,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } },
      });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.api.request('POST', this.path(), { body, discard: true });
    }
  }

  /** Deletes a ServiceL2Status by object name; one already gone is not an error. */
  async removeByName(name: string): Promise<void> {
    await this.api.request('DELETE', this.path(name), { discard: true }).catch((err: unknown) => {
      if (statusCode(err) !== 404) throw err;
    });
  }
}
