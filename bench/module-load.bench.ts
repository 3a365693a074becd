/**
 * npm run bench:module-load — what loading costs, before any I/O (issue 14): RSS, heap in use after
 * a full GC, and import time of a fresh Node process that loads
 * - nothing (Node itself);
 * - @kubernetes/client-node whole, and its KubeConfig module alone (dist/config.js);
 * - what `barelb speaker` and `barelb controller` load before their first API call: the CLI's early
 *   signal handlers, program.js's static imports (every command's definition) and the command's
 *   main module, from dist/ (run `npm run build` first; the npm script does), with deploy/'s flags.
 * Each round runs every case once, in order, so cases compare within one round on a noisy machine;
 * the summary gives the median and range over BENCH_ROUNDS rounds (default 7).
 * More cases: BENCH_MODULES='label=/abs/path/or/specifier,…' (e.g. another client-node version
 * installed elsewhere) loads each whole, with no flags.
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
const dist = (p: string) => pathToFileURL(`${root}dist/${p}`).href;
const cliDir = `${root}dist/cli/`;

/** What program.js imports statically, as URLs: loaded with it before `parseAsync` runs a command. */
const programImports = staticImports(readFileSync(`${cliDir}program.js`, 'utf8')).map((s) =>
  s.startsWith('.') ? new URL(s, pathToFileURL(cliDir)).href : s,
);
const flags = deployNodeFlags(
  ['speaker', 'controller'].map((c) => readFileSync(`${root}deploy/${c}.yaml`, 'utf8')),
);
const flagsOf = (component: string): string[] => {
  const f = flags.get(component);
  if (!f) throw new Error(`deploy/${component}.yaml: no node command for ${component}`);
  return f;
};
/**
 * Loaded first, one step each, so the RSS each adds is printed: node:http, https and crypto, which
 * the API client needs anyway (as runtime/required-builtins.js loads them), then the packages every
 * command loads. prom-client's collectDefaultMetrics requires @opentelemetry/api (for exemplars,
 * which BareLB does not use); its CommonJS file, the one prom-client's require() finds, comes as a
 * step of its own. The totals are those of program.js's own order: the same modules, once each.
 */
const otel = pathToFileURL(`${root}node_modules/@opentelemetry/api/dist/index.cjs`).href;
const FIRST = [dist('runtime/required-builtins.js'), 'commander', 'pino', otel, 'prom-client'];
const command = (component: string, main: string): LoadCase => ({
  name: `barelb ${component} (${flagsOf(component).join(' ')})`,
  flags: flagsOf(component),
  steps: [[dist('runtime/early-stop.js')], ...FIRST.map((p) => [p]), programImports, [dist(main)]],
  stepNames: [
    'runtime/early-stop.js (the first file import)',
    'node:http, https, crypto (required-builtins.js)',
    'commander',
    'pino',
    "@opentelemetry/api (prom-client's)",
    'prom-client',
    "program.js's other imports",
    main,
  ],
});
const clientNode = pathToFileURL(`${root}node_modules/@kubernetes/client-node/dist/`).href;
const extra = (process.env.BENCH_MODULES ?? '')
  .split(',')
  .filter((s) => s.includes('='))
  .map((s): LoadCase => {
    const [label, spec] = s.split('=', 2) as [string, string];
    return { name: label, flags: [], steps: [[spec.startsWith('/') ? pathToFileURL(spec).href : spec]] };
  });

const cases: LoadCase[] = [
  { name: 'node alone', flags: [], steps: [] },
  { name: "node alone (the speaker's flags)", flags: flagsOf('speaker'), steps: [] },
  { name: 'client-node (index.js)', flags: [], steps: [[`${clientNode}index.js`]] },
  { name: 'client-node KubeConfig (config.js)', flags: [], steps: [[`${clientNode}config.js`]] },
  ...extra,
  command('speaker', 'speaker/main.js'),
  command('controller', 'controller/main.js'),
];

/** The child: loads the steps, then reports; --expose-gc only lets it collect before weighing the heap. */
const probe = (steps: LoadCase['steps']) => `
const rss = () => process.memoryUsage().rss / 1048576;
const stepRssMiB = [rss()];
const t0 = performance.now();
for (const step of ${JSON.stringify(steps)}) {
  await Promise.all(step.map((m) => import(m)));
  stepRssMiB.push(rss());
}
const importMs = performance.now() - t0;
const rssMiB = rss();
globalThis.gc();
const heapMiB = process.memoryUsage().heapUsed / 1048576;
console.log(JSON.stringify({ rssMiB, heapMiB, importMs, stepRssMiB }));
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
console.log(['case', 'RSS MiB', 'heap after GC MiB', 'import ms'].join('\t'));
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
  console.log(`\n${c.name}: RSS each step adds, MiB, median [min–max]`);
  for (const s of stepCosts(c.stepNames, samples.get(c.name) ?? []))
    console.log(`  ${s.name}\t${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`);
}
