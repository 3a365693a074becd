#!/usr/bin/env node
// dist/bin/: what the image, deploy/ and the npm package run, built by `npm run build` after tsc.
//
// Why bundle: Node resolves, reads and wraps every module file on its own, and the speaker's main
// module alone loads 163 of them (ours, pino's, prom-client's; counted with a module load hook),
// against 11 files from the bundle. Loading the bundle took 118 ms instead of 195 ms, with 9.4 MiB
// less RSS (3.3 MiB less anonymous memory), in one `npm run bench:module-load` run (issue 14). Minifying saved nothing
// more (0.2 MiB), so the code stays readable and stack traces keep their names.
//
// What stays outside: the AF_PACKET addon (native), @kubernetes/client-node and yaml (loaded only for
// exotic kubeconfigs, `barelb status` and `barelb migrate`, so they stay lazy), and the lab, which
// finds the repository by its own path (dist/lab/ is unbundled and dist/bin/ sits beside dist/cli/,
// so '../lab/lab.js' still resolves).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = 'dist/bin';
rmSync(`${root}${outdir}`, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  // The CLI, and each role's main module under a stable name (bench:module-load weighs them); the
  // CLI's dynamic import of a role's main resolves to that same file, so nothing is loaded twice.
  entryPoints: {
    barelb: 'dist/cli/main.js',
    speaker: 'dist/speaker/main.js',
    controller: 'dist/controller/main.js',
    // A worker thread's own entry (BFD), found beside the chunk that starts it (bfd-sessions.ts).
    'bfd-worker': 'dist/bgp/bfd/bfd-worker.js',
  },
  bundle: true,
  // Splitting keeps dynamic imports dynamic: the CLI entry still runs early-stop.js's signal
  // handlers before it loads anything else, and a role loads only its own code.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outdir,
  // Chunks beside the entries, two directories below the package root like dist/cli/*.js, so
  // version.ts finds package.json and build-info.json where it looks for them.
  chunkNames: '[name]-[hash]',
  external: ['@barelb/af-packet', '@kubernetes/client-node', 'yaml', '../lab/lab.js'],
  // The CommonJS dependencies call require() for Node's built-ins; an ES module has no require,
  // so each file gets one.
  banner: {
    js: "import { createRequire as __barelbCreateRequire } from 'node:module'; const require = __barelbCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
