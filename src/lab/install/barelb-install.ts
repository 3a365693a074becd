import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '../../config/crd-types.js';
import { REPO_ROOT } from '../cluster/binaries.js';
import { writeKubeconfig } from '../cluster/kubeconfig.js';
import type { Lab } from '../lab.js';
import { deployWorkload } from '../workloads/workload.js';
import { controllerSpec, speakerSpec } from './barelb-specs.js';

/** The CRDs, applied server-side, and the namespace BareLB lives in. */
export async function installCrds(lab: Lab): Promise<void> {
  await lab.exec('cp', ['kubectl', 'apply', '--server-side', '-k', join(REPO_ROOT, 'config', 'crd')], {
    timeoutMs: 60_000,
  });
  await lab.exec(
    'cp',
    [
      'kubectl',
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/ipaddresspools.barelb.io',
      'crd/l2advertisements.barelb.io',
      'crd/servicel2statuses.barelb.io',
    ],
    { timeoutMs: 70_000 },
  );
  const ns = await lab.exec('cp', ['kubectl', 'get', 'namespace', DEFAULT_NAMESPACE], { check: false });
  if (ns.code !== 0) await lab.exec('cp', ['kubectl', 'create', 'namespace', DEFAULT_NAMESPACE]);
}

/** The lab's sample pool: addresses on the lab's segment, so the client reaches them by ARP. */
export function labPoolManifest(lab: Lab, name = 'lab'): string {
  return `apiVersion: barelb.io/v1alpha1
kind: IPAddressPool
metadata:
  name: ${name}
  namespace: ${DEFAULT_NAMESPACE}
spec:
  addresses:
    - ${lab.addresses.lbPoolV4}
---
apiVersion: barelb.io/v1alpha1
kind: L2Advertisement
metadata:
  name: ${name}
  namespace: ${DEFAULT_NAMESPACE}
spec:
  ipAddressPools: [${name}]
`;
}

/** Applies YAML through the lab's kubectl. */
export async function kubectlApply(lab: Lab, yaml: string): Promise<void> {
  await lab.exec('cp', ['kubectl', 'apply', '-f', '-'], { input: yaml, timeoutMs: 60_000 });
}

export interface BareLBParts {
  readonly controllers: number;
  readonly speakers: boolean;
  readonly demo: boolean;
}

/**
 * Runs BareLB in the lab as a cluster would: CRDs, the controller next to the control plane, a
 * speaker in every node namespace, the lab pool, and the `demo` Service with pods on every node.
 */
export async function installBareLB(
  lab: Lab,
  parts: BareLBParts,
  progress: (line: string) => void,
): Promise<void> {
  progress('BareLB CRDs');
  await installCrds(lab);
  const keyFile = join(lab.stateDir, 'heartbeat.key');
  await writeFile(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  // The RBAC of deploy/, and kubeconfigs that impersonate its ServiceAccounts: the lab's controller
  // and speakers can do exactly what an installed BareLB can, and no more.
  await lab.exec('cp', [
    'kubectl',
    'apply',
    '-n',
    DEFAULT_NAMESPACE,
    '-f',
    join(REPO_ROOT, 'deploy', 'controller-rbac.yaml'),
    '-f',
    join(REPO_ROOT, 'deploy', 'speaker-rbac.yaml'),
  ]);
  const server = `https://${lab.addresses.cpIp}:6443`;
  const certs = lab.paths().certs;
  const controllerKc = join(lab.stateDir, 'barelb-controller.kubeconfig');
  const speakerKc = join(lab.stateDir, 'barelb-speaker.kubeconfig');
  await writeKubeconfig(
    controllerKc,
    server,
    certs,
    'admin',
    `system:serviceaccount:${DEFAULT_NAMESPACE}:barelb-controller`,
  );
  await writeKubeconfig(
    speakerKc,
    server,
    certs,
    'admin',
    `system:serviceaccount:${DEFAULT_NAMESPACE}:barelb-speaker`,
  );
  progress('BareLB controller');
  for (let r = 1; r <= parts.controllers; r++) {
    await lab.startComponent(controllerSpec(lab.names.cpNs, lab.paths(), controllerKc, r));
  }
  if (parts.speakers) {
    progress('BareLB speakers');
    for (const node of lab.nodes) {
      await lab.startComponent(speakerSpec(lab.names.nodeNs(node), node, lab.paths(), speakerKc, keyFile));
    }
  }
  await kubectlApply(lab, labPoolManifest(lab));
  if (parts.demo) {
    progress('demo Service');
    await deployWorkload(lab, { name: 'demo', podsOn: lab.nodes, service: { type: 'LoadBalancer' } });
  }
}
