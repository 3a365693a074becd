import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { LabError } from '../cluster/lab-error.js';
import type { PodRecord } from '../cluster/lab-state.js';
import { deploymentBody, PINNED_POD_LABEL } from './deployment-body.js';
import type { PlacedPod } from './pod-placement.js';

/** A kubelet pulls nothing (the image is imported), so a pod is Ready within seconds; a busy machine gets more. */
const POD_READY_MS = 180_000;

/**
 * On real nodes: each placed pod is a one-replica Deployment named as the pod, pinned to its node by
 * a nodeSelector that kube-scheduler honours, and run by that node's kubelet. Resolves once every pod
 * is Ready, with its real Pod name and IP.
 */
export async function deployPinnedPods(
  kc: KubeConfig,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  placed: readonly PlacedPod[],
  image: string,
): Promise<PodRecord[]> {
  const apps = kc.makeApiClient(AppsV1Api);
  for (const p of placed)
    await apps.createNamespacedDeployment({
      namespace,
      body: deploymentBody({ name: p.name, namespace, image, replicas: 1, pinned: { node: p.node, labels } }),
    });
  const core = kc.makeApiClient(CoreV1Api);
  const records: PodRecord[] = [];
  for (const p of placed) {
    const pod = await waitReadyPod(core, namespace, p.name);
    records.push({
      name: pod.metadata?.name ?? p.name,
      namespace,
      node: pod.spec?.nodeName ?? p.node,
      ip: pod.status?.podIP ?? '',
      netns: '',
      veth: '',
    });
  }
  return records;
}

/**
 * Takes a placed pod away for good: deletes its Deployment and waits until its pod is gone (the kubelet
 * has stopped the container and the endpoints have dropped it).
 */
export async function removePinnedPod(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  try {
    await apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Foreground' });
  } catch (err) {
    if ((err as { code?: number }).code === 404)
      throw new LabError('UNKNOWN_TARGET', `no pod ${namespace}/${name}`);
    throw err;
  }
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = performance.now() + POD_READY_MS;
  while ((await podsOf(core, namespace, name)).length > 0) {
    if (performance.now() > deadline)
      throw new LabError('NOT_READY', `pod ${namespace}/${name} still there after ${POD_READY_MS} ms`);
    await sleep(200);
  }
}

async function podsOf(core: CoreV1Api, namespace: string, name: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: `${PINNED_POD_LABEL}=${name}` })).items;
}

async function waitReadyPod(core: CoreV1Api, namespace: string, name: string): Promise<V1Pod> {
  const deadline = performance.now() + POD_READY_MS;
  for (;;) {
    const ready = (await podsOf(core, namespace, name)).find(
      (p) =>
        !p.metadata?.deletionTimestamp &&
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (ready) return ready;
    if (performance.now() > deadline)
      throw new LabError('NOT_READY', `pod ${namespace}/${name} not Ready after ${POD_READY_MS} ms`);
    await sleep(200);
  }
}
