import { join } from 'node:path';
import type { LabAddresses } from './addressing.js';
import { bin, type LabPaths, log } from './lab-paths.js';
import type { LabNames } from './names.js';
import type { ProcessSpec } from './processes.js';

// How the control plane runs: etcd, kube-apiserver and kube-controller-manager in the control-plane namespace.

export const APISERVER_PORT = 6443;

export function etcdSpec(names: LabNames, paths: LabPaths): ProcessSpec {
  // etcd listens on the control-plane namespace's own loopback, so labs side by side never clash.
  return {
    name: 'etcd',
    ns: names.cpNs,
    cmd: bin(paths, 'etcd'),
    args: [
      '--name=lab',
      `--data-dir=${join(paths.stateDir, 'etcd')}`,
      '--listen-client-urls=http://127.0.0.1:2379',
      '--advertise-client-urls=http://127.0.0.1:2379',
      '--listen-peer-urls=http://127.0.0.1:2380',
      '--initial-advertise-peer-urls=http://127.0.0.1:2380',
      '--initial-cluster=lab=http://127.0.0.1:2380',
      // A throwaway test cluster: durability buys nothing and fsync makes every write slow.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    logFile: log(paths, 'etcd'),
  };
}

export function apiserverSpec(names: LabNames, addrs: LabAddresses, paths: LabPaths): ProcessSpec {
  const c = (f: string) => join(paths.certs, f);
  return {
    name: 'kube-apiserver',
    ns: names.cpNs,
    cmd: bin(paths, 'kube-apiserver'),
    args: [
      '--etcd-servers=http://127.0.0.1:2379',
      '--bind-address=0.0.0.0',
      `--secure-port=${APISERVER_PORT}`,
      `--advertise-address=${addrs.cpIp}`,
      // Both families, so dual-stack Services can be tested.
      `--service-cluster-ip-range=${addrs.serviceCidrV4},${addrs.serviceCidrV6}`,
      '--authorization-mode=Node,RBAC',
      `--client-ca-file=${c('ca.crt')}`,
      `--tls-cert-file=${c('apiserver.crt')}`,
      `--tls-private-key-file=${c('apiserver.key')}`,
      `--service-account-key-file=${c('sa.pub')}`,
      `--service-account-signing-key-file=${c('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--cert-dir=${paths.certs}`,
      '--allow-privileged=true',
      // Reach kubelets (logs, exec) at the node's lab address: by default the apiserver resolves the
      // node's hostname, through the host's resolver, which leads out of the lab.
      '--kubelet-preferred-address-types=InternalIP',
      // As the admin, whom a kubelet's webhook authorizer allows.
      `--kubelet-client-certificate=${c('admin.crt')}`,
      `--kubelet-client-key=${c('admin.key')}`,
      '--profiling=false',
      '--v=1',
    ],
    logFile: log(paths, 'kube-apiserver'),
  };
}

/**
 * The controllers a real cluster needs for Services to work. Host-process nodes have no kubelet to post
 * heartbeats, so node lifecycle stays off there (their nodes would go NotReady); real nodes (issue 13)
 * add what kubelet-run pods need: DaemonSets, node lifecycle (NotReady nodes, their pods marked not
 * ready so their endpoints leave), taint-based eviction, pod garbage collection, and disruption budgets.
 */
export function labControllers(realNodes: boolean): string[] {
  const common = [
    'endpointslice-controller',
    'endpointslice-mirroring-controller',
    'namespace-controller',
    'garbage-collector-controller',
    'serviceaccount-controller',
    'serviceaccount-token-controller',
    'root-ca-certificate-publisher-controller',
    'replicaset-controller',
    'deployment-controller',
    'service-cidr-controller',
  ];
  if (!realNodes) return common;
  return [
    ...common,
    'daemonset-controller',
    'node-lifecycle-controller',
    'taint-eviction-controller',
    'pod-garbage-collector-controller',
    'disruption-controller',
    'ttl-controller',
  ];
}

/**
 * How fast a real node that stops posting goes NotReady. The lab's kubelets renew their Lease every 3 s
 * (nodeLeaseDurationSeconds 12); Kubernetes' defaults are 50 s grace, 5 s period, a 10 s renewal.
 */
export const LAB_NODE_MONITOR = { gracePeriod: '16s', period: '2s' } as const;

/**
 * `lab`: the shortened node-failure timing above (and LAB_NODE_HEARTBEAT on the kubelets), so a test
 * sees a dead node's endpoints leave in about 16 s. `kubernetes`: every one of them at Kubernetes'
 * defaults, to measure what a cluster on defaults does (BARELB_LAB_NODE_TIMING=kubernetes).
 */
export type NodeTiming = 'lab' | 'kubernetes';

export function nodeTimingFrom(env: Readonly<Record<string, string | undefined>>): NodeTiming {
  return env.BARELB_LAB_NODE_TIMING === 'kubernetes' ? 'kubernetes' : 'lab';
}

export function controllerManagerSpec(
  names: LabNames,
  paths: LabPaths,
  realNodes = false,
  timing: NodeTiming = 'lab',
): ProcessSpec {
  const c = (f: string) => join(paths.certs, f);
  return {
    name: 'kube-controller-manager',
    ns: names.cpNs,
    cmd: bin(paths, 'kube-controller-manager'),
    args: [
      `--kubeconfig=${join(paths.stateDir, 'kube-controller-manager.kubeconfig')}`,
      `--authentication-kubeconfig=${join(paths.stateDir, 'kube-controller-manager.kubeconfig')}`,
      `--authorization-kubeconfig=${join(paths.stateDir, 'kube-controller-manager.kubeconfig')}`,
      `--controllers=${labControllers(realNodes).join(',')}`,
      ...(realNodes && timing === 'lab'
        ? [
            `--node-monitor-grace-period=${LAB_NODE_MONITOR.gracePeriod}`,
            `--node-monitor-period=${LAB_NODE_MONITOR.period}`,
          ]
        : []),
      `--service-account-private-key-file=${c('sa.key')}`,
      `--root-ca-file=${c('ca.crt')}`,
      '--use-service-account-credentials=true',
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      '--v=1',
    ],
    logFile: log(paths, 'kube-controller-manager'),
  };
}

/** kube-scheduler, for real nodes: pods of Deployments and DaemonSets get placed as in any cluster. */
export function schedulerSpec(names: LabNames, paths: LabPaths): ProcessSpec {
  const kubeconfig = join(paths.stateDir, 'kube-scheduler.kubeconfig');
  return {
    name: 'kube-scheduler',
    ns: names.cpNs,
    cmd: bin(paths, 'kube-scheduler'),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      '--v=1',
    ],
    logFile: log(paths, 'kube-scheduler'),
  };
}
