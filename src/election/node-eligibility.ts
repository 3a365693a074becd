import type { V1Node } from '@kubernetes/client-node';

export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
export const AUTOSCALER_DELETE_TAINT = 'ToBeDeletedByClusterAutoscaler';

/** Why a node may not announce anything, or undefined when it may. Pure. */
export function nodeExclusion(node: V1Node): string | undefined {
  if (node.metadata?.deletionTimestamp) return 'node is being deleted';
  if (node.metadata?.labels && EXCLUDE_LABEL in node.metadata.labels) return `label ${EXCLUDE_LABEL}`;
  if (node.spec?.taints?.some((t) => t.key === AUTOSCALER_DELETE_TAINT))
    return `taint ${AUTOSCALER_DELETE_TAINT}`;
  if (node.status?.conditions?.some((c) => c.type === 'NetworkUnavailable' && c.status === 'True'))
    return 'NetworkUnavailable';
  return undefined;
}
