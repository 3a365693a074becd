import { join } from 'node:path';
import { firstServiceIp, type LabAddresses } from './addressing.js';
import { generateCerts, nodeIdentity } from './certs.js';
import {
  APISERVER_PORT,
  apiserverSpec,
  controllerManagerSpec,
  etcdSpec,
  nodeTimingFrom,
  schedulerSpec,
} from './control-plane-specs.js';
import { writeKubeconfig } from './kubeconfig.js';
import type { LabPaths } from './lab-paths.js';
import type { LabNames } from './names.js';
import type { ProcessTable } from './process-table.js';
import { apiserverReady, httpOk, waitFor } from './readiness.js';

export interface ControlPlaneDeps {
  readonly names: LabNames;
  readonly addresses: LabAddresses;
  readonly paths: LabPaths;
  readonly processes: ProcessTable;
  /** The admin kubeconfig for the host (through the host link) and for inside the lab. */
  readonly kubeconfig: string;
  readonly internalKubeconfig: string;
  readonly progress: (line: string) => void;
  /** Real nodes (issue 13): kube-scheduler, the node controllers, and a certificate per kubelet. */
  readonly realNodes: boolean;
  readonly nodes: readonly string[];
}

/** A real node's kubelet kubeconfig: its own `system:node:<name>` certificate. */
export const nodeKubeconfig = (paths: LabPaths, node: string): string =>
  join(paths.stateDir, `kubelet-${node}.kubeconfig`);

/** The apiserver as seen from inside the lab's namespaces. */
export const internalServer = (addrs: LabAddresses): string => `https://${addrs.cpIp}:${APISERVER_PORT}`;

/** The lab's PKI and a kubeconfig for each identity that talks to the apiserver. */
export async function writeCredentials(d: ControlPlaneDeps): Promise<void> {
  const { addresses: addrs, paths } = d;
  d.progress('certificates');
  const nodeIds = d.realNodes ? d.nodes.map(nodeIdentity) : [];
  await generateCerts(
    paths.certs,
    [addrs.cpIp, addrs.hostLinkCpIp, firstServiceIp(addrs.serviceCidrV4)],
    nodeIds,
  );
  const internal = internalServer(addrs);
  await writeKubeconfig(
    d.kubeconfig,
    `https://${addrs.hostLinkCpIp}:${APISERVER_PORT}`,
    paths.certs,
    'admin',
  );
  await writeKubeconfig(d.internalKubeconfig, internal, paths.certs, 'admin');
  await writeKubeconfig(
    join(paths.stateDir, 'kube-controller-manager.kubeconfig'),
    internal,
    paths.certs,
    'kube-controller-manager',
  );
  await writeKubeconfig(join(paths.stateDir, 'kube-proxy.kubeconfig'), internal, paths.certs, 'kube-proxy');
  if (!d.realNodes) return;
  await writeKubeconfig(
    join(paths.stateDir, 'kube-scheduler.kubeconfig'),
    internal,
    paths.certs,
    'kube-scheduler',
  );
  for (const node of d.nodes)
    await writeKubeconfig(nodeKubeconfig(paths, node), internal, paths.certs, nodeIdentity(node).file);
}

/** etcd, then kube-apiserver once etcd answers, then kube-controller-manager once the apiserver is ready. */
export async function startControlPlane(d: ControlPlaneDeps): Promise<void> {
  const { names, addresses, paths, processes } = d;
  d.progress('etcd');
  await processes.start(etcdSpec(names, paths));
  await waitFor('etcd', () => httpOk(names.cpNs, 'http://127.0.0.1:2379/health'), 30_000, paths.logs);
  d.progress('kube-apiserver');
  await processes.start(apiserverSpec(names, addresses, paths));
  await waitApiserver(names, paths, 60_000);
  d.progress('kube-controller-manager');
  await processes.start(controllerManagerSpec(names, paths, d.realNodes, nodeTimingFrom(process.env)));
  if (d.realNodes) {
    d.progress('kube-scheduler');
    await processes.start(schedulerSpec(names, paths));
  }
}

/** Waits for the apiserver's /readyz, with the admin certificate, from inside the lab. */
export function waitApiserver(names: LabNames, paths: LabPaths, timeoutMs: number): Promise<void> {
  return waitFor(
    'kube-apiserver /readyz',
    () => apiserverReady(names.cpNs, paths.certs, APISERVER_PORT),
    timeoutMs,
    paths.logs,
  );
}
