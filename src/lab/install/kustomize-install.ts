import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DEFAULT_NAMESPACE } from '../../config/crd-types.js';
import { REPO_ROOT } from '../cluster/binaries.js';
import { labImages, pickImage } from '../cluster/lab-images.js';
import type { Installer, InstallTarget } from './installer.js';
import { labOverlayKustomization } from './lab-overlay.js';
import { labPoolManifest } from './lab-pool.js';

const CRDS = ['ipaddresspools.barelb.io', 'l2advertisements.barelb.io', 'servicel2statuses.barelb.io'];

/**
 * BareLB as users install it (issue 13): `kubectl apply -k` of a lab overlay on deploy/ that sets the
 * image to the local build and adds the lab's pool, then the speaker DaemonSet and the controller
 * Deployment rolled out, their pods run by the nodes' kubelets.
 */
export class KustomizeInstall implements Installer {
  async install(target: InstallTarget, progress: (line: string) => void): Promise<void> {
    const image = pickImage(await labImages(), 'barelb').reference;
    const dir = join(target.stateDir, 'barelb-overlay');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'lab-pool.yaml'), labPoolManifest(target.addresses.lbPoolV4));
    await writeFile(
      join(dir, 'kustomization.yaml'),
      labOverlayKustomization({
        base: relative(dir, join(REPO_ROOT, 'deploy')),
        image,
        poolFile: 'lab-pool.yaml',
      }),
    );
    progress(`BareLB: kubectl apply -k ${dir} (deploy/ with ${image})`);
    const started = performance.now();
    try {
      await target.applyKustomization(dir);
    } catch {
      // The pool is a custom resource of CRDs in the same apply: the first apply may come before the
      // apiserver serves them, as for any user; once they are established the second one takes it.
      await target.kubectl(
        ['wait', '--for=condition=Established', '--timeout=60s', ...CRDS.map((c) => `crd/${c}`)],
        { timeoutMs: 70_000 },
      );
      await target.applyKustomization(dir);
    }
    progress('BareLB: waiting for the controller Deployment and the speaker DaemonSet');
    for (const what of ['deployment/barelb-controller', 'daemonset/barelb-speaker'])
      await target.kubectl(['-n', DEFAULT_NAMESPACE, 'rollout', 'status', what, '--timeout=300s'], {
        timeoutMs: 310_000,
      });
    progress(`BareLB rolled out in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
