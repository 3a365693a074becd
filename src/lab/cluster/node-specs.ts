import { join } from 'node:path';
import type { LabAddresses } from './addressing.js';
import { bin, type LabPaths, log } from './lab-paths.js';
import type { LabNode } from './node-agents.js';
import type { ProcessSpec } from './processes.js';
import { httpOk, waitFor } from './readiness.js';

// How a host-process node runs its agent (kube-proxy) and its pods (the podserver).

export function kubeProxySpec(node: LabNode, addrs: LabAddresses, paths: LabPaths): ProcessSpec {
  return {
    name: `kube-proxy-${node.name}`,
    ns: node.ns,
    cmd: bin(paths, 'kube-proxy'),
    args: [
      `--kubeconfig=${join(paths.stateDir, 'kube-proxy.kubeconfig')}`,
      '--proxy-mode=iptables',
      `--hostname-override=${node.name}`,
      `--bind-address=${node.ip}`,
      `--cluster-cidr=${addrs.clusterCidr}`,
      '--healthz-bind-address=0.0.0.0:10256',
      '--metrics-bind-address=127.0.0.1:10249',
      // conntrack limits are global kernel settings; a lab node must not change the host's.
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0',
      '--conntrack-tcp-timeout-close-wait=0',
      // Re-sync quickly so endpoint changes reach the rules at once, as tests expect.
      '--iptables-min-sync-period=0s',
      '--v=1',
    ],
    logFile: log(paths, `kube-proxy-${node.name}`),
  };
}

export function podServerSpec(paths: LabPaths, podNs: string, pod: string, node: string): ProcessSpec {
  return {
    name: `pod-${pod}`,
    ns: podNs,
    cmd: bin(paths, 'podserver'),
    args: ['--listen=:8080', `--pod=${pod}`, `--node=${node}`],
    logFile: log(paths, `pod-${pod}`),
  };
}

/** Resolves once the node's kube-proxy answers its health check (from inside the node). */
export function waitKubeProxy(node: LabNode, logsDir: string): Promise<void> {
  return waitFor(
    `kube-proxy on ${node.name}`,
    () => httpOk(node.ns, 'http://127.0.0.1:10256/healthz'),
    60_000,
    logsDir,
  );
}
