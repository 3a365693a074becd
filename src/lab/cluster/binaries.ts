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
 * Returns the directory holding the lab's binaries: `BARELB_K8S_BIN_DIR` when set, otherwise the
 * cache, building what is missing first. The build prints its progress to our stderr.
 */
export async function ensureBinaries(binDir = process.env.BARELB_K8S_BIN_DIR): Promise<string> {
  if (binDir) {
    await checkAll(binDir);
    return binDir;
  }
  const script = join(REPO_ROOT, 'scripts', 'build-lab-binaries.sh');
  const dir = await new Promise<string>((resolve, reject) => {
    const child = spawn(script, [], { stdio: ['ignore', 'pipe', 'inherit'] });
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
