import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import type { Lab } from '../../src/lab/lab.js';
import { ensureNamespace } from '../../src/lab/workloads/namespaces.js';
import { eventually } from './test-lab.js';

export interface LbServiceOptions {
  readonly namespace?: string;
  readonly annotations?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly loadBalancerIP?: string;
  readonly loadBalancerClass?: string;
  readonly port?: number;
  readonly protocol?: 'TCP' | 'UDP';
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  readonly ipFamilies?: ('IPv4' | 'IPv6')[];
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly selector?: Record<string, string>;
}

/** Creates a type: LoadBalancer Service (no pods needed for allocation tests). */
export async function createLbService(lab: Lab, name: string, o: LbServiceOptions = {}): Promise<V1Service> {
  const core = lab.kubeConfig().makeApiClient(CoreV1Api);
  const namespace = o.namespace ?? 'default';
  await ensureNamespace(core, namespace);
  return core.createNamespacedService({
    namespace,
    body: {
      metadata: { name, namespace, annotations: o.annotations ?? {}, labels: o.labels ?? {} },
      spec: {
        type: 'LoadBalancer',
        selector: o.selector ?? { app: name },
        ports: [{ name: 'p', protocol: o.protocol ?? 'TCP', port: o.port ?? 80, targetPort: 8080 }],
        ...(o.loadBalancerIP ? { loadBalancerIP: o.loadBalancerIP } : {}),
        ...(o.loadBalancerClass ? { loadBalancerClass: o.loadBalancerClass } : {}),
        ...(o.ipFamilyPolicy ? { ipFamilyPolicy: o.ipFamilyPolicy } : {}),
        ...(o.ipFamilies ? { ipFamilies: o.ipFamilies } : {}),
        ...(o.externalTrafficPolicy ? { externalTrafficPolicy: o.externalTrafficPolicy } : {}),
      },
    },
  });
}

export async function getService(lab: Lab, name: string, namespace = 'default'): Promise<V1Service> {
  return lab.kubeConfig().makeApiClient(CoreV1Api).readNamespacedService({ name, namespace });
}

export function ingressIps(svc: V1Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
}

/** Waits until the Service has `count` ingress IPs (default: at least one) and returns them. */
export async function waitForIps(
  lab: Lab,
  name: string,
  namespace = 'default',
  count?: number,
  timeoutMs = 20_000,
): Promise<string[]> {
  return eventually(
    `IP on ${namespace}/${name}`,
    async () => {
      const ips = ingressIps(await getService(lab, name, namespace));
      return (count === undefined ? ips.length > 0 : ips.length === count) ? ips : undefined;
    },
    timeoutMs,
  );
}

/** Reasons of the Events recorded on an object. */
export async function eventReasons(lab: Lab, name: string, namespace = 'default'): Promise<string[]> {
  const core = lab.kubeConfig().makeApiClient(CoreV1Api);
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => e.reason ?? '');
}

export async function eventMessages(lab: Lab, name: string, namespace = 'default'): Promise<string[]> {
  const core = lab.kubeConfig().makeApiClient(CoreV1Api);
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => `${e.reason}: ${e.message}`);
}

export async function deleteService(lab: Lab, name: string, namespace = 'default'): Promise<void> {
  await lab.kubeConfig().makeApiClient(CoreV1Api).deleteNamespacedService({ name, namespace });
}

/** An IPAddressPool in barelb-system. */
export function poolYaml(name: string, addresses: string[], extra = ''): string {
  return `apiVersion: barelb.io/v1alpha1
kind: IPAddressPool
metadata:
  name: ${name}
  namespace: barelb-system
spec:
  addresses: [${addresses.map((a) => `"${a}"`).join(', ')}]
${extra}`;
}
