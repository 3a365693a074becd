import type { V1Service } from '@kubernetes/client-node';

export const DEFAULT_LB_CLASS = 'barelb.io/barelb';
/** Annotation the controller writes: the pool the Service's IPs came from. */
export const POOL_ANNOTATION = 'barelb.io/ip-allocated-from-pool';

/** A Service is ours when it is a LoadBalancer with no class or with our class. Another class is never touched. */
export function isOurs(svc: V1Service, lbClass: string): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === null || cls === '' || cls === lbClass;
}

export function serviceKey(svc: V1Service): string {
  return `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
}

/** The ingress IPs in the Service's status, in order. */
export function statusIps(svc: V1Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
}
