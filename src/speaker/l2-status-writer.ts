import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, GROUP, SERVICE_L2_STATUS, VERSION } from '../config/crd-types.js';
import { statusCode } from '../k8s/lease-client.js';

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
  private readonly api: CustomObjectsApi;
  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  static objectName(serviceNamespace: string, serviceName: string): string {
    return `${serviceNamespace}.${serviceName}`;
  }

  async write(r: L2StatusRecord): Promise<void> {
    const name = L2StatusWriter.objectName(r.serviceNamespace, r.serviceName);
    const base = {
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: SERVICE_L2_STATUS.plural,
    };
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
      const current = (await this.api.getNamespacedCustomObject({ ...base, name })) as {
        metadata?: { resourceVersion?: string };
      };
      await this.api.replaceNamespacedCustomObject({
        ...base,
        name,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } },
      });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.api.createNamespacedCustomObject({ ...base, body });
    }
  }

  /** Deletes a ServiceL2Status by object name; one already gone is not an error. */
  async removeByName(name: string): Promise<void> {
    await this.api
      .deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: SERVICE_L2_STATUS.plural,
        name,
      })
      .catch((err: unknown) => {
        if (statusCode(err) !== 404) throw err;
      });
  }
}
