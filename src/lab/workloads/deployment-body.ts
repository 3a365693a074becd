import type { V1Deployment } from '@kubernetes/client-node';

export interface DeploymentOptions {
  readonly name: string;
  readonly namespace: string;
  /** The podserver image, as the nodes have it imported (e.g. `localhost/podserver:dev`). */
  readonly image: string;
  readonly replicas: number;
}

/**
 * A Deployment of podservers labelled `app: <name>`, spread one per node while replicas allow: what
 * `kubectl create deployment` makes, plus the pod and node names from the downward API (the podserver
 * answers with them) and a readiness probe, so a Service sends traffic only to pods that answer. The
 * pull policy is left to its default: IfNotPresent for a tag other than `latest`, so an imported image
 * is never pulled.
 */
export function deploymentBody(o: DeploymentOptions): V1Deployment {
  const labels = { app: o.name };
  return {
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 5,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              // One per node while there are replicas enough, as the host-process demo placed them.
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: labels },
            },
          ],
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
