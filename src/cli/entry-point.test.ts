import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The modules a file imports statically (`import ... from 'x'` and `import 'x'`), in order. */
function staticImports(path: string): string[] {
  const text = readFileSync(new URL(path, import.meta.url), 'utf8');
  return [...text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

// A SIGTERM sent to PID 1 before its handler exists is dropped. Node parses a module's whole static
// import graph before running any of it, so the handlers are early only while the entry point
// statically imports nothing but them, and they import nothing themselves.
describe('the CLI entry point installs its signal handlers before loading anything else', () => {
  it.each([
    { file: './main.ts', want: ['../runtime/early-stop.js'] },
    { file: '../runtime/early-stop.ts', want: [] },
  ])('$file statically imports $want', ({ file, want }) => {
    expect(staticImports(file)).toEqual(want);
  });

  it('main.ts loads the commands with a dynamic import', () => {
    expect(readFileSync(new URL('./main.ts', import.meta.url), 'utf8')).toMatch(
      /^await import\('\.\/program\.js'\);$/m,
    );
  });
});
