import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '../../config/crd-types.js';
import { REPO_ROOT } from '../cluster/binaries.js';
import { run } from '../cluster/command.js';
import { labImages, pickImage } from '../cluster/lab-images.js';
import type { Installer, InstallTarget } from './installer.js';
import { labHelmValues } from './lab-helm-values.js';

/** helm as scripts/setup.sh built it (scripts/build-helm.sh), or a clear error saying how to get it. */
export function helmBinary(): string {
  const found = spawnSync(join(REPO_ROOT, 'scripts/build-helm.sh'), ['--no-build'], { encoding: 'utf8' });
  if (found.status !== 0)
    throw new Error(`helm is missing: run scripts/setup.sh (or scripts/build-helm.sh)\n${found.stderr}`);
  return found.stdout.trim();
}

/**
 * BareLB as Helm users install it (issue 15): `helm install` of charts/barelb into barelb-system with
 * the local image and the lab's pool as values, then the controller Deployment and the speaker
 * DaemonSet rolled out, their pods run by the nodes' kubelets. Chosen with BARELB_LAB_INSTALL=helm, so
 * the same suites that run against deploy/ run against the chart (`npm run test:helm`).
 */
export class HelmInstall implements Installer {
  async install(target: InstallTarget, progress: (line: string) => void): Promise<void> {
    const helm = helmBinary();
    const image = pickImage(await labImages(), 'barelb').reference;
    const values = join(target.stateDir, 'barelb-helm-values.yaml');
    await mkdir(target.stateDir, { recursive: true });
    await writeFile(values, labHelmValues({ image, poolRange: target.addresses.lbPoolV4 }));
    const chart = join(REPO_ROOT, 'charts', 'barelb');
    progress(`BareLB: helm install barelb ${chart} -n ${DEFAULT_NAMESPACE} -f ${values}`);
    const started = performance.now();
    // The chart's CRDs come from its crds/ directory, installed before the templates (Helm's order), so
    // the pool given as a value is admitted in the same install.
    await run(
      helm,
      [
        'install',
        'barelb',
        chart,
        '--namespace',
        DEFAULT_NAMESPACE,
        '--create-namespace',
        '--values',
        values,
        '--kubeconfig',
        target.kubeconfig,
        '--timeout',
        '5m',
      ],
      { timeoutMs: 320_000 },
    );
    progress('BareLB: waiting for the controller Deployment and the speaker DaemonSet');
    for (const what of ['deployment/barelb-controller', 'daemonset/barelb-speaker'])
      await target.kubectl(['-n', DEFAULT_NAMESPACE, 'rollout', 'status', what, '--timeout=300s'], {
        timeoutMs: 310_000,
      });
    progress(`BareLB rolled out from the chart in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
