import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import type { PodRecord } from '../cluster/lab-state.js';
import type { Lab } from '../lab.js';

export interface WorkloadOptions {
  readonly name: string;
  readonly namespace?: string;
  /** One pod per entry, on that node: `['n1', 'n1', 'n2']` puts two pods on n1 and one on n2. */
  readonly podsOn: readonly string[];
  readonly service?: {
    readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
    readonly externalTrafficPolicy?: 'Cluster' | 'Local';
    readonly sessionAffinity?: 'None' | 'ClientIP';
    readonly port?: number;
    readonly nodePort?: number;
    readonly loadBalancerClass?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
    readonly ipFamilies?: readonly ('IPv4' | 'IPv6')[];
  };
}

export interface Workload {
  readonly pods: readonly PodRecord[];
  readonly service: V1Service | undefined;
}

/**
 * A Deployment-like set of pods spread over chosen nodes, labelled `app: <name>`, with an optional
 * Service in front of them (port 80 → the podserver's 8080).
 */
export async function deployWorkload(lab: Lab, opts: WorkloadOptions): Promise<Workload> {
  const namespace = opts.namespace ?? 'default';
  const core = lab.kubeConfig().makeApiClient(CoreV1Api);
  await ensureNamespace(core, namespace);
  const counts = new Map<string, number>();
  const pods: PodRecord[] = [];
  for (const node of opts.podsOn) {
    const k = (counts.get(node) ?? 0) + 1;
    counts.set(node, k);
    pods.push(
      await lab.addPod({ name: `${opts.name}-${node}-${k}`, namespace, node, labels: { app: opts.name } }),
    );
  }
  let service: V1Service | undefined;
  if (opts.service) {
    const s = opts.service;
    const type = s.type ?? 'ClusterIP';
    const body: V1Service = {
      metadata: { name: opts.name, namespace, annotations: { ...s.annotations } },
      spec: {
        type,
        selector: { app: opts.name },
        ports: [
          {
            name: 'http',
            protocol: 'TCP',
            port: s.port ?? 80,
            targetPort: 8080,
            ...(s.nodePort ? { nodePort: s.nodePort } : {}),
          },
        ],
        ...(s.sessionAffinity ? { sessionAffinity: s.sessionAffinity } : {}),
        ...(s.externalTrafficPolicy && type !== 'ClusterIP'
          ? { externalTrafficPolicy: s.externalTrafficPolicy }
          : {}),
        ...(s.loadBalancerClass ? { loadBalancerClass: s.loadBalancerClass } : {}),
        ...(s.ipFamilyPolicy ? { ipFamilyPolicy: s.ipFamilyPolicy } : {}),
        ...(s.ipFamilies ? { ipFamilies: [...s.ipFamilies] } : {}),
      },
    };
    service = await core.createNamespacedService({ namespace, body });
  }
  return { pods, service };
}

export async function ensureNamespace(core: CoreV1Api, name: string): Promise<void> {
  try {
    await core.readNamespace({ name });
  } catch {
    // Callers may race to create the same namespace: AlreadyExists is success.
    await core.createNamespace({ body: { metadata: { name } } }).catch((err: unknown) => {
      if ((err as { code?: number }).code !== 409) throw err;
    });
  }
}
