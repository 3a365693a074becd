import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from './lab-error.js';

export const LAB_BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-proxy',
  'kubectl',
  'podserver',
] as const;
export type LabBinary = (typeof LAB_BINARIES)[number];

/** The repository root, found from this file whether it runs from src/ (tsx) or dist/ (built). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The environment scripts/build-lab-binaries.sh runs in: ours, with `BARELB_K8S_VERSION` set to the
 * lab's Kubernetes minor when one was asked for. The script alone knows which minors have a wrapper
 * module (tools/lab-binaries/kube-<minor>) and refuses the others, so the choice is checked once.
 */
export function binariesScriptEnv(env: NodeJS.ProcessEnv, kubernetesVersion?: string): NodeJS.ProcessEnv {
  return kubernetesVersion === undefined ? env : { ...env, BARELB_K8S_VERSION: kubernetesVersion };
}

/**
 * Returns the directory holding the lab's binaries: `BARELB_K8S_BIN_DIR` when set, otherwise the
 * cache of the Kubernetes minor asked for (else `BARELB_K8S_VERSION`, else the default), building
 * what is missing first. The build prints its progress to our stderr.
 */
export async function ensureBinaries(
  binDir = process.env.BARELB_K8S_BIN_DIR,
  kubernetesVersion?: string,
): Promise<string> {
  if (binDir) {
    await checkAll(binDir);
    return binDir;
  }
  const script = join(REPO_ROOT, 'scripts', 'build-lab-binaries.sh');
  const env = binariesScriptEnv(process.env, kubernetesVersion);
  const dir = await new Promise<string>((resolve, reject) => {
    const child = spawn(script, [], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', (err) =>
      reject(new LabError('BINARIES_UNAVAILABLE', `cannot run ${script}`, { cause: err })),
    );
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last !== '') resolve(last);
      else reject(new LabError('BINARIES_UNAVAILABLE', `${script} failed with exit ${code}`));
    });
  });
  await checkAll(dir);
  return dir;
}

async function checkAll(dir: string): Promise<void> {
  for (const b of LAB_BINARIES) {
    try {
      await access(join(dir, b), constants.X_OK);
    } catch (err) {
      throw new LabError('BINARIES_UNAVAILABLE', `${join(dir, b)} is missing or not executable`, {
        cause: err,
      });
    }
  }
}
