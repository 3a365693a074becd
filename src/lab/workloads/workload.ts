import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { labImages, pickImage } from '../cluster/lab-images.js';
import type { PodRecord } from '../cluster/lab-state.js';
import type { PodOptions } from '../cluster/pod-host.js';
import { deploymentBody } from './deployment-body.js';
import { ensureNamespace } from './namespaces.js';
import { deployPinnedPods } from './pinned-pods.js';
import { podPlacement } from './pod-placement.js';
import { type ServiceOptions, serviceBody } from './service-body.js';

/** What workloads need from the cluster layer: the apiserver, and somewhere to run pods. */
export interface WorkloadTarget {
  kubeConfig(): KubeConfig;
  addPod(opts: PodOptions): Promise<PodRecord>;
  /** Nodes run a kubelet: pods come from Deployments. */
  readonly realNodes: boolean;
}

export interface WorkloadOptions {
  readonly name: string;
  readonly namespace?: string;
  /** One pod per entry, on that node: `['n1', 'n1', 'n2']` puts two pods on n1 and one on n2. */
  readonly podsOn: readonly string[];
  readonly service?: ServiceOptions;
}

export interface Workload {
  readonly pods: readonly PodRecord[];
  readonly service: V1Service | undefined;
}

/**
 * Pods on chosen nodes, labelled `app: <name>`, with an optional Service in front of them (port 80 →
 * the podserver's 8080). On real nodes each pod is a one-replica Deployment pinned to its node
 * (pinned-pods.ts); with host-process nodes the lab plays the kubelet.
 */
export async function deployWorkload(target: WorkloadTarget, opts: WorkloadOptions): Promise<Workload> {
  const namespace = opts.namespace ?? 'default';
  const core = target.kubeConfig().makeApiClient(CoreV1Api);
  await ensureNamespace(core, namespace);
  const placed = podPlacement(opts.name, opts.podsOn);
  const labels = { app: opts.name };
  const pods: PodRecord[] = [];
  if (target.realNodes)
    pods.push(
      ...(await deployPinnedPods(target.kubeConfig(), namespace, labels, placed, await podserverImage())),
    );
  else for (const { name, node } of placed) pods.push(await target.addPod({ name, namespace, node, labels }));
  const service = opts.service
    ? await core.createNamespacedService({ namespace, body: serviceBody(opts.name, namespace, opts.service) })
    : undefined;
  return { pods, service };
}

export interface DeploymentWorkloadOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly replicas: number;
  /** The podserver image the nodes have. */
  readonly image: string;
  readonly service?: ServiceOptions;
}

/**
 * On real nodes: a Deployment of podservers that kube-scheduler places and the kubelets run, with an
 * optional Service in front (port 80 → 8080), as a user would deploy an application.
 */
export async function deployDeployment(
  target: Pick<WorkloadTarget, 'kubeConfig'>,
  opts: DeploymentWorkloadOptions,
): Promise<{ service: V1Service | undefined }> {
  const namespace = opts.namespace ?? 'default';
  const kc = target.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  await ensureNamespace(core, namespace);
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: deploymentBody({ name: opts.name, namespace, image: opts.image, replicas: opts.replicas }),
  });
  const service = opts.service
    ? await core.createNamespacedService({ namespace, body: serviceBody(opts.name, namespace, opts.service) })
    : undefined;
  return { service };
}

/** The podserver image the real nodes have imported. */
export async function podserverImage(): Promise<string> {
  return pickImage(await labImages(), 'podserver').reference;
}
