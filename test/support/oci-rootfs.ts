import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/lab/cluster/command.js';
import { blobPath, layerDigests, manifestDigest, whiteouts } from './oci-layers.js';

/**
 * Unpacks the root file system of the one image in an OCI archive into `dest` (created), layer by layer
 * with GNU tar (which reads plain and gzip layers alike), applying each layer's whiteouts first. Device
 * nodes (dev/) are left out: the root file system is only read and run from under qemu-user.
 */
export async function unpackImage(archive: string, dest: string): Promise<string> {
  const layout = join(dest, 'oci');
  const rootfs = join(dest, 'rootfs');
  await mkdir(layout, { recursive: true });
  await mkdir(rootfs, { recursive: true });
  await run('tar', ['-xf', archive, '-C', layout], { timeoutMs: 300_000 });
  const index: unknown = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
  const manifest: unknown = JSON.parse(await readFile(join(layout, blobPath(manifestDigest(index))), 'utf8'));
  for (const digest of layerDigests(manifest)) {
    const layer = join(layout, blobPath(digest));
    const listed = await run('tar', ['-tf', layer], { timeoutMs: 300_000 });
    const wh = whiteouts(listed.stdout.split('\n').filter((l) => l !== ''));
    for (const path of wh.remove) await rm(join(rootfs, path), { recursive: true, force: true });
    for (const dir of wh.opaque) {
      await rm(join(rootfs, dir), { recursive: true, force: true });
      await mkdir(join(rootfs, dir), { recursive: true });
    }
    await run(
      'tar',
      // A whiteout's name anywhere (unanchored, tar's default for --exclude); dev/ at the top only.
      ['-xf', layer, '-C', rootfs, '--exclude=.wh.*', '--anchored', '--exclude=dev/*', '--exclude=./dev/*'],
      { timeoutMs: 300_000 },
    );
  }
  await rm(layout, { recursive: true, force: true });
  return rootfs;
}
