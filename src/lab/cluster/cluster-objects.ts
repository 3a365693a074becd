import type { CoreV1Api, V1Node, V1Pod } from '@kubernetes/client-node';

/** Label every object the lab creates carries, so it can be told apart from the user's. */
export const LAB_LABEL = 'lab.barelb.io/managed';

/**
 * Registers a node as a kubelet would: the Node object, then its status (Ready, addresses). Without
 * kubelets and with the node-lifecycle controller off, nothing changes that status afterwards.
 */
export async function registerNode(
  core: CoreV1Api,
  name: string,
  ip: string,
  podCidr: string,
): Promise<void> {
  const node: V1Node = {
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', [LAB_LABEL]: 'true' },
    },
    spec: { podCIDR: podCidr, podCIDRs: [podCidr] },
  };
  const created = await core.createNode({ body: node });
  const now = new Date();
  created.status = {
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'LabNodeReady',
        message: 'barelb lab node',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
      {
        type: 'NetworkUnavailable',
        status: 'False',
        reason: 'LabRoutes',
        message: 'routes created by the lab',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
    nodeInfo: {
      architecture: 'amd64',
      bootID: '',
      containerRuntimeVersion: 'barelb-lab://netns',
      kernelVersion: '',
      kubeProxyVersion: '',
      kubeletVersion: 'barelb-lab',
      machineID: '',
      operatingSystem: 'linux',
      osImage: 'barelb lab',
      systemUUID: '',
    },
  };
  await core.replaceNodeStatus({ name, body: created });
}

export interface PodObjectSpec {
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly nodeIp: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Creates a Pod bound to its node (no scheduler needed) and fills in the status a kubelet would
 * report once its container runs: Running, Ready, podIP. The real EndpointSlice controller and
 * kube-proxy take it from there.
 */
export async function createRunningPod(core: CoreV1Api, spec: PodObjectSpec): Promise<void> {
  const pod: V1Pod = {
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels, [LAB_LABEL]: 'true' } },
    spec: {
      nodeName: spec.node,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'podserver',
          image: 'barelb.io/lab-podserver',
          ports: [{ name: 'http', containerPort: 8080 }],
        },
      ],
    },
  };
  const created = await core.createNamespacedPod({ namespace: spec.namespace, body: pod });
  const now = new Date();
  const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
  created.status = {
    phase: 'Running',
    hostIP: spec.nodeIp,
    hostIPs: [{ ip: spec.nodeIp }],
    podIP: spec.ip,
    podIPs: [{ ip: spec.ip }],
    startTime: now,
    conditions: [cond('PodScheduled'), cond('Initialized'), cond('ContainersReady'), cond('Ready')],
    containerStatuses: [
      {
        name: 'podserver',
        image: 'barelb.io/lab-podserver',
        imageID: '',
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: now } },
      },
    ],
  };
  await core.replaceNamespacedPodStatus({ name: spec.name, namespace: spec.namespace, body: created });
}
