import type { V1Deployment } from '@kubernetes/client-node';

export interface DeploymentOptions {
  readonly name: string;
  readonly namespace: string;
  /** The podserver image, as the nodes have it imported (e.g. `localhost/podserver:dev`). */
  readonly image: string;
  readonly replicas: number;
  /**
   * A test pod on a chosen node: the Deployment selects only its own pod (label `lab.barelb.io/pod`),
   * whose labels are `labels`, and a nodeSelector on the node's hostname lets kube-scheduler put it
   * there. The lab's host-process pods were placed the same way, by name.
   */
  readonly pinned?: { readonly node: string; readonly labels: Readonly<Record<string, string>> };
}

/** The label a pinned Deployment selects its one pod by. */
export const PINNED_POD_LABEL = 'lab.barelb.io/pod';

/**
 * A Deployment of podservers labelled `app: <name>`, spread one per node while replicas allow: what
 * `kubectl create deployment` makes, plus the pod and node names from the downward API (the podserver
 * answers with them) and a readiness probe, so a Service sends traffic only to pods that answer. The
 * pull policy is left to its default: IfNotPresent for a tag other than `latest`, so an imported image
 * is never pulled.
 */
export function deploymentBody(o: DeploymentOptions): V1Deployment {
  const selector = o.pinned ? { [PINNED_POD_LABEL]: o.name } : { app: o.name };
  const labels = o.pinned ? { ...o.pinned.labels, ...selector } : selector;
  const placement = o.pinned
    ? { nodeSelector: { 'kubernetes.io/hostname': o.pinned.node } }
    : {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            // One per node while there are replicas enough, as the host-process demo placed them.
            whenUnsatisfiable: 'DoNotSchedule' as const,
            labelSelector: { matchLabels: selector },
          },
        ],
      };
  return {
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 5,
          ...placement,
          containers: [
            {
              name: 'podserver',
              image: o.image,
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              ],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 2 },
            },
          ],
        },
      },
    },
  };
}
