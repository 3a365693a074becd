import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A module hook that prints every module resolved to @kubernetes/client-node, and who asked; and at
 * exit whether undici was loaded, as an ESM import of node:http does (runtime/required-builtins.ts).
 * (webcrypto, which an ESM import of node:crypto loads, cannot be checked here: tsx loads it.)
 */
const HOOK = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
registerHooks({ resolve(s, c, next) { const r = next(s, c); if (r.url.includes('@kubernetes/client-node')) console.log('CLIENT-NODE from ' + c.parentURL); return r; } });
process.on('exit', () => { for (const m of process.moduleLoadList) if (/undici/.test(m)) console.log('UNDICI ' + m); });
`)}`;

/**
 * Loading @kubernetes/client-node costs a Node process ~75 MiB of RSS and about a second (issue 14):
 * what `barelb speaker` and `barelb controller` load must not reach it. Type-only imports are free;
 * the lab, `barelb status` and the client-node fallback for exotic kubeconfigs load it on use.
 */
describe('the speaker and controller do not load @kubernetes/client-node', () => {
  const load = (module: string) => ['-e', `await import(${JSON.stringify(`./${module}`)})`];
  it.each([
    { what: 'the speaker', argv: load('src/speaker/main.ts'), want: false },
    { what: 'the controller', argv: load('src/controller/main.ts'), want: false },
    { what: 'the CLI itself', argv: ['src/cli/main.ts', '--version'], want: false },
    // The control: the hook does see the library where it is loaded.
    { what: 'barelb status', argv: load('src/status/run-status.ts'), want: true },
  ])(
    '$what loads it: $want',
    async ({ argv, want }) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '--import', HOOK, ...argv], {
        cwd: root,
        timeout: 60_000,
      });
      expect(stdout.includes('CLIENT-NODE from')).toBe(want);
      // undici comes with client-node; without it, nothing may load it.
      expect(stdout.includes('UNDICI ')).toBe(want);
    },
    90_000,
  );
});
