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
      '--profiling=false',
      '--v=1',
    ],
    logFile: log(paths, 'kube-apiserver'),
  };
}

export function controllerManagerSpec(names: LabNames, paths: LabPaths): ProcessSpec {
  const c = (f: string) => join(paths.certs, f);
  return {
    name: 'kube-controller-manager',
    ns: names.cpNs,
    cmd: bin(paths, 'kube-controller-manager'),
    args: [
      `--kubeconfig=${join(paths.stateDir, 'kube-controller-manager.kubeconfig')}`,
      `--authentication-kubeconfig=${join(paths.stateDir, 'kube-controller-manager.kubeconfig')}`,
      `--authorization-kubeconfig=${join(paths.stateDir, 'kube-controller-manager.kubeconfig')}`,
      // The controllers a real cluster needs for Services to work; node-lifecycle stays off because
      // the lab's nodes have no kubelet to post heartbeats and would otherwise be marked NotReady.
      '--controllers=endpointslice-controller,endpointslice-mirroring-controller,namespace-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller,replicaset-controller,deployment-controller,service-cidr-controller',
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
