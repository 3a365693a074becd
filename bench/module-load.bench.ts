/**
 * npm run bench:module-load — what loading costs, before any I/O (issue 14): RSS and its anonymous
 * part, heap in use after a full GC, and import time of a fresh Node process that loads
 * - nothing (Node itself);
 * - @kubernetes/client-node whole, and its KubeConfig module alone (dist/config.js);
 * - what `barelb speaker` and `barelb controller` load before their first API call: the CLI's early
 *   signal handlers, program.js's static imports (every command's definition) and the command's
 *   main module, from dist/ (run `npm run build` first; the npm script does), with deploy/'s flags,
 *   one step per package so each one's cost is printed;
 * - the same as shipped: from the bundle in dist/bin/ (scripts/bundle.mjs), which the image runs.
 * Each round runs every case once, in order, so cases compare within one round on a noisy machine;
 * the summary gives the median and range over BENCH_ROUNDS rounds (default 7).
 * More cases: BENCH_MODULES='label=/abs/path/or/specifier,…' (e.g. another client-node version
 * installed elsewhere) loads each whole, with no flags; BENCH_BASELINE_DIST another build's dist/.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  deployNodeFlags,
  type LoadCase,
  type LoadSample,
  staticImports,
  stepCosts,
  summary,
} from './module-load-cases.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const distOf = (dir: string) => (p: string) => pathToFileURL(`${dir}/${p}`).href;
const dist = distOf(`${root}dist`);

/** What program.js imports statically, as URLs: loaded with it before `parseAsync` runs a command. */
const programImportsOf = (distDir: string) =>
  staticImports(readFileSync(`${distDir}/cli/program.js`, 'utf8')).map((s) =>
    s.startsWith('.') ? new URL(s, pathToFileURL(`${distDir}/cli/`)).href : s,
  );
const programImports = programImportsOf(`${root}dist`);
const flags = deployNodeFlags(
  ['speaker', 'controller'].map((c) => readFileSync(`${root}deploy/${c}.yaml`, 'utf8')),
);
const flagsOf = (component: string): string[] => {
  const f = flags.get(component);
  if (!f) throw new Error(`deploy/${component}.yaml: no node command for ${component}`);
  return f;
};
/**
 * Loaded first, one step each, so what each adds is printed: node:http, https and crypto, which the
 * API client needs anyway (as runtime/required-builtins.js loads them), then the packages every
 * command loads. The totals are those of program.js's own order: the same modules, once each.
 */
const FIRST = ['runtime/required-builtins.js', 'commander', 'pino', 'prom-client'];
const command = (component: string, main: string): LoadCase => ({
  name: `barelb ${component} (${flagsOf(component).join(' ')})`,
  flags: flagsOf(component),
  steps: [
    [dist('runtime/early-stop.js')],
    ...FIRST.map((p) => [p.endsWith('.js') ? dist(p) : p]),
    programImports,
    [dist(main)],
  ],
  stepNames: [
    'runtime/early-stop.js (the first file import)',
    'node:http, https, crypto (required-builtins.js)',
    'commander',
    'pino',
    'prom-client',
    "program.js's other imports",
    main,
  ],
});
/**
 * BENCH_BASELINE_DIST: the dist/ of another build (say a checkout's `npm run build`, with this
 * node_modules linked beside it), loaded the same way in the same rounds: before and after in one run.
 */
const baselineDist = process.env.BENCH_BASELINE_DIST;
const baseline = (component: string, main: string): LoadCase[] => {
  if (!baselineDist) return [];
  const at = distOf(baselineDist);
  const steps = [[at('runtime/early-stop.js')], programImportsOf(baselineDist), [at(main)]];
  return [{ name: `baseline: barelb ${component}`, flags: flagsOf(component), steps }];
};
const clientNode = pathToFileURL(`${root}node_modules/@kubernetes/client-node/dist/`).href;
const extra = (process.env.BENCH_MODULES ?? '')
  .split(',')
  .filter((s) => s.includes('='))
  .map((s): LoadCase => {
    const [label, spec] = s.split('=', 2) as [string, string];
    return { name: label, flags: [], steps: [[spec.startsWith('/') ? pathToFileURL(spec).href : spec]] };
  });

/**
 * The bundle as the image runs it: barelb.js's static imports (the signal handlers and esbuild's
 * helpers), the static imports of the program chunk it loads next (commander and the commands'
 * definitions; the chunk itself would run the CLI), then the role's main, as the CLI's dynamic
 * import loads it.
 */
const bin = distOf(`${root}dist/bin`);
const binImportsOf = (file: string) =>
  staticImports(readFileSync(`${root}dist/bin/${file}`, 'utf8')).map((s) =>
    s.startsWith('./') ? bin(s.slice(2)) : s,
  );
const programChunk = /import\("\.\/(program-[A-Z0-9]+\.js)"\)/.exec(
  readFileSync(`${root}dist/bin/barelb.js`, 'utf8'),
)?.[1];
if (!programChunk) throw new Error('dist/bin/barelb.js: no dynamic import of the program chunk');
const shipped = (component: string): LoadCase => ({
  name: `barelb ${component} as shipped (dist/bin/)`,
  flags: flagsOf(component),
  steps: [binImportsOf('barelb.js'), binImportsOf(programChunk), [bin(`${component}.js`)]],
  stepNames: ['barelb.js (signal handlers)', "the program chunk's imports", `${component}.js`],
});

const cases: LoadCase[] = [
  { name: 'node alone', flags: [], steps: [] },
  { name: "node alone (the speaker's flags)", flags: flagsOf('speaker'), steps: [] },
  { name: 'client-node (index.js)', flags: [], steps: [[`${clientNode}index.js`]] },
  { name: 'client-node KubeConfig (config.js)', flags: [], steps: [[`${clientNode}config.js`]] },
  ...extra,
  ...baseline('speaker', 'speaker/main.js'),
  command('speaker', 'speaker/main.js'),
  ...baseline('controller', 'controller/main.js'),
  command('controller', 'controller/main.js'),
  shipped('speaker'),
  shipped('controller'),
];

/** The child: loads the steps, then reports; --expose-gc only lets it collect before weighing the heap. */
const probe = (steps: LoadCase['steps']) => `
// RSS also counts file pages (Node's own binary, as its code paths are first touched), shared and
// reclaimable; Anonymous is the process's own memory.
const { readFileSync } = process.getBuiltinModule('node:fs');
const rss = () => process.memoryUsage().rss / 1048576;
const anon = () => Number(/^Anonymous:\\s+(\\d+)/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1]) / 1024;
const stepRssMiB = [rss()];
const stepAnonMiB = [anon()];
const t0 = performance.now();
for (const step of ${JSON.stringify(steps)}) {
  await Promise.all(step.map((m) => import(m)));
  stepRssMiB.push(rss());
  stepAnonMiB.push(anon());
}
const importMs = performance.now() - t0;
const rssMiB = rss();
const anonMiB = anon();
globalThis.gc();
const heapMiB = process.memoryUsage().heapUsed / 1048576;
console.log(JSON.stringify({ rssMiB, anonMiB, heapMiB, importMs, stepRssMiB, stepAnonMiB }));
`;

async function sample(c: LoadCase): Promise<LoadSample> {
  const argv = [...c.flags, '--expose-gc', '--input-type=module', '-e', probe(c.steps)];
  // NODE_ENV as in the image; argv[2] is no subcommand, so early-stop.js installs no handlers.
  const { stdout } = await run(process.execPath, argv, {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as LoadSample;
}

const samples = new Map<string, LoadSample[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) samples.get(c.name)?.push(await sample(c));
  process.stderr.write(`round ${r + 1}/${ROUNDS} done\n`);
}

const fmt = (xs: number[], digits: number) => {
  const s = summary(xs);
  return `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
};
console.log(`node ${process.version}, ${ROUNDS} rounds; median [min–max]`);
console.log(['case', 'RSS MiB', 'anonymous MiB', 'heap after GC MiB', 'import ms'].join('\t'));
for (const c of cases) {
  const xs = samples.get(c.name) ?? [];
  console.log(
    [
      c.name,
      fmt(
        xs.map((x) => x.rssMiB),
        1,
      ),
      fmt(
        xs.map((x) => x.anonMiB),
        1,
      ),
      fmt(
        xs.map((x) => x.heapMiB),
        1,
      ),
      fmt(
        xs.map((x) => x.importMs),
        0,
      ),
    ].join('\t'),
  );
}
for (const c of cases) {
  if (!c.stepNames) continue;
  const xs = samples.get(c.name) ?? [];
  const rss = stepCosts(c.stepNames, xs, (s) => s.stepRssMiB);
  const anon = stepCosts(c.stepNames, xs, (s) => s.stepAnonMiB);
  const f = (s: { median: number; min: number; max: number }) =>
    `${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
  console.log(`\n${c.name}: what each step adds, MiB, median [min–max]\n  step\tRSS\tanonymous`);
  rss.forEach((r, i) => {
    const a = anon[i];
    console.log(`  ${r.name}\t${f(r)}\t${a ? f(a) : ''}`);
  });
}
