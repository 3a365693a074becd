import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './binaries.js';
import { LabError } from './lab-error.js';

/** One image that scripts/build-lab-images.sh built: its name, its reference, and its OCI archive. */
export interface LabImage {
  readonly name: string;
  readonly reference: string;
  readonly archive: string;
}

/** The lines of images.tsv (`name<TAB>reference<TAB>archive`); blank and malformed lines are skipped. */
export function parseImagesTsv(text: string): LabImage[] {
  return text
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => f.length === 3 && f.every((x) => x.trim() !== ''))
    .map(([name = '', reference = '', archive = '']) => ({ name, reference, archive: archive.trim() }));
}

/** Where scripts/build-lab-images.sh keeps its images (the same rule as the script). */
export function imagesDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.BARELB_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'barelb');
  return join(cache, 'images');
}

/** The images built for the lab; builds them first (scripts/build-lab-images.sh) when there are none. */
export async function labImages(): Promise<LabImage[]> {
  const tsv = join(imagesDir(), 'images.tsv');
  const read = async () => parseImagesTsv(await readFile(tsv, 'utf8'));
  try {
    return await read();
  } catch {
    await buildImages();
    return read();
  }
}

/** One image by name, or a LabError saying how to build it. */
export function pickImage(images: readonly LabImage[], name: string): LabImage {
  const found = images.find((i) => i.name === name);
  if (!found)
    throw new LabError(
      'IMAGES_UNAVAILABLE',
      `no image ${name} in ${join(imagesDir(), 'images.tsv')}: run scripts/build-lab-images.sh`,
    );
  return found;
}

function buildImages(): Promise<void> {
  const script = join(REPO_ROOT, 'scripts', 'build-lab-images.sh');
  return new Promise((resolve, reject) => {
    const child = spawn(script, [], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', (err) =>
      reject(new LabError('IMAGES_UNAVAILABLE', `cannot run ${script}`, { cause: err })),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new LabError('IMAGES_UNAVAILABLE', `${script} failed with exit ${code}`)),
    );
  });
}
