import type { V1Service } from '@kubernetes/client-node';

export interface ServiceOptions {
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly sessionAffinity?: 'None' | 'ClientIP';
  readonly port?: number;
  readonly nodePort?: number;
  readonly loadBalancerClass?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  readonly ipFamilies?: readonly ('IPv4' | 'IPv6')[];
}

/**
 * The Service in front of a workload's pods (`app: <name>`): port 80 by default, to the podserver's
 * 8080. Only fields the caller set are written, so the apiserver's defaults apply to the rest; a
 * ClusterIP Service gets no externalTrafficPolicy, which the apiserver refuses on it.
 */
export function serviceBody(name: string, namespace: string, s: ServiceOptions): V1Service {
  const type = s.type ?? 'ClusterIP';
  return {
    metadata: { name, namespace, annotations: { ...s.annotations } },
    spec: {
      type,
      selector: { app: name },
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
}
