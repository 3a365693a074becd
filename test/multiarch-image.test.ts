import { mkdtempSync } from 'node:fs';
import { open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/lab/cluster/binaries.js';
import { run } from '../src/lab/cluster/command.js';
import { ELF_MACHINE_OF_ARCH, elfMachine } from './support/elf-machine.js';
import { unpackImage } from './support/oci-rootfs.js';

// Issue 15, multi-arch image: the project's Dockerfile built for linux/amd64 and linux/arm64 the way
// `docker buildx build --platform` does, Docker-free (scripts/build-image.sh: buildah, the build stages on
// this machine's platform, the runtime stage the target's), then each image's root file system unpacked
// from its OCI archive. Every native file in /app must be for the image's CPU, and the arm64 image's own
// Node (and its own libc and libstdc++) must load its addon, under qemu-user (no binfmt_misc needed).
const PLATFORMS = [
  { arch: 'arm64', nodeArch: 'arm64' },
  { arch: 'amd64', nodeArch: 'x64' },
] as const;
type Arch = (typeof PLATFORMS)[number]['arch'];

/** Every regular file under `dir` whose first bytes are an ELF header, with the CPU it names. */
async function elfFiles(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const f = await open(path, 'r');
    const header = new Uint8Array(20);
    const { bytesRead } = await f.read(header, 0, 20, 0);
    await f.close();
    const machine = elfMachine(header.subarray(0, bytesRead));
    if (machine !== undefined) found.set(path.slice(dir.length + 1), machine);
  }
  return found;
}

describe('the multi-arch image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'barelb-multiarch-'));
  const rootfs = new Map<Arch, string>();

  beforeAll(async () => {
    for (const { arch } of PLATFORMS) {
      // Builds the image, or takes it from the cache when nothing it is made from changed.
      const built = await run(join(REPO_ROOT, 'scripts', 'build-image.sh'), ['--platform', `linux/${arch}`], {
        timeoutMs: 1_500_000,
      });
      rootfs.set(arch, await unpackImage(built.stdout.trim(), join(dir, arch)));
    }
  }, 3_300_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(PLATFORMS)(
    '$arch: the addon is the one prebuild for $nodeArch, and no other native code for Node is in /app',
    async ({ arch, nodeArch }) => {
      const root = rootfs.get(arch) as string;
      const addon = join(root, 'app', 'native', 'af-packet');
      // The loader takes build/Release before prebuilds/: a build for the build machine must not be there.
      expect((await readdir(addon)).sort()).toEqual(['index.js', 'package.json', 'prebuilds']);
      expect(await readdir(join(addon, 'prebuilds'))).toEqual([`linux-${nodeArch}`]);
      // @kubernetes/client-node's tar-fs depends on bare-fs & co., which carry addons for every platform
      // in one package: `.bare` files, for the Bare runtime, which Node never loads. Any other native code
      // must be this CPU's, and only our addon is.
      const elf = [...(await elfFiles(join(root, 'app')))].filter(([path]) => !path.endsWith('.bare'));
      expect(Object.fromEntries(elf)).toEqual({
        [`native/af-packet/prebuilds/linux-${nodeArch}/af_packet.node`]: ELF_MACHINE_OF_ARCH[arch],
      });
      const node = await elfFiles(join(root, 'usr', 'local', 'bin'));
      expect(node.get('node')).toBe(ELF_MACHINE_OF_ARCH[arch]);
    },
  );

  it("arm64: the image's own Node loads the image's addon (qemu-aarch64 -L <rootfs>)", async () => {
    const root = rootfs.get('arm64') as string;
    const addon = join(root, 'app', 'node_modules', '@barelb', 'af-packet');
    const r = await run(
      'qemu-aarch64',
      [
        '-L',
        root,
        join(root, 'usr', 'local', 'bin', 'node'),
        '-e',
        `const m = require(${JSON.stringify(addon)}); console.log(process.arch, Object.keys(m).join(','))`,
      ],
      { timeoutMs: 120_000 },
    );
    console.log(`arm64 image, its node under qemu-aarch64: ${r.stdout.trim()}`);
    expect(r.stdout.trim()).toBe('arm64 open,send,addMembership,dropMembership,close,md5Socket,heapTrim');
  });

  it('arm64: the entry point runs (barelb --version under qemu-aarch64)', async () => {
    const root = rootfs.get('arm64') as string;
    const r = await run(
      'qemu-aarch64',
      [
        '-L',
        root,
        join(root, 'usr', 'local', 'bin', 'node'),
        join(root, 'app', 'dist', 'cli', 'main.js'),
        '--version',
      ],
      { timeoutMs: 120_000 },
    );
    // scripts/build-image.sh passes the checkout's HEAD (-dirty with uncommitted changes) as REVISION.
    const head = (await run('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'])).stdout.trim();
    expect(r.stdout.trim()).toMatch(new RegExp(`^barelb 0\\.1\\.0 \\(commit ${head}(-dirty)?\\)$`));
  });
});
