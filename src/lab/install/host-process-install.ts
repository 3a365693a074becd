import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '../../config/crd-types.js';
import { REPO_ROOT } from '../cluster/binaries.js';
import { controllerSpec, speakerSpec } from './barelb-specs.js';
import { installCrds } from './crds.js';
import type { Installer, InstallTarget } from './installer.js';
import { labPoolManifest } from './lab-pool.js';

export interface BareLBParts {
  readonly controllers: number;
  readonly speakers: boolean;
}

/**
 * Runs BareLB in the lab as processes, as a cluster would run its pods: CRDs, the controller next to
 * the control plane, a speaker in every node namespace, and the lab pool.
 */
export class HostProcessInstall implements Installer {
  constructor(private readonly parts: BareLBParts) {}

  async install(target: InstallTarget, progress: (line: string) => void): Promise<void> {
    progress('BareLB CRDs');
    await installCrds(target);
    const keyFile = join(target.stateDir, 'heartbeat.key');
    await writeFile(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    // The RBAC of deploy/, and kubeconfigs that impersonate its ServiceAccounts: the lab's controller
    // and speakers can do exactly what an installed BareLB can, and no more.
    await target.kubectl([
      'apply',
      '-n',
      DEFAULT_NAMESPACE,
      '-f',
      join(REPO_ROOT, 'deploy', 'controller-rbac.yaml'),
      '-f',
      join(REPO_ROOT, 'deploy', 'speaker-rbac.yaml'),
    ]);
    const controllerKc = join(target.stateDir, 'barelb-controller.kubeconfig');
    const speakerKc = join(target.stateDir, 'barelb-speaker.kubeconfig');
    const sa = (name: string) => `system:serviceaccount:${DEFAULT_NAMESPACE}:${name}`;
    await target.writeClientKubeconfig(controllerKc, sa('barelb-controller'));
    await target.writeClientKubeconfig(speakerKc, sa('barelb-speaker'));
    progress('BareLB controller');
    for (let r = 1; r <= this.parts.controllers; r++) {
      await target.startComponent(controllerSpec(target.names.cpNs, target.paths(), controllerKc, r));
    }
    if (this.parts.speakers) {
      progress('BareLB speakers');
      for (const node of target.nodes) {
        await target.startComponent(
          speakerSpec(target.names.nodeNs(node), node, target.paths(), speakerKc, keyFile),
        );
      }
    }
    await target.apply(labPoolManifest(target.addresses.lbPoolV4));
  }
}
