import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployNodeFlags, type LoadSample, staticImports, stepCosts, summary } from './module-load-cases.js';

const deployment = (command: string, args: string) => `
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      initContainers:
        - name: init
          command: [node, /bootstrap/x.cjs]
      containers:
        - name: main
          command: ${command}
          args: ${args}
`;

describe('deployNodeFlags', () => {
  it.each([
    {
      name: 'flags between node and main.js',
      yaml: deployment('[node, --a=1, --b, /app/dist/cli/main.js]', '[speaker]'),
      want: { speaker: ['--a=1', '--b'] },
    },
    {
      name: 'no flags',
      yaml: deployment('[node, /app/dist/cli/main.js]', '[controller]'),
      want: { controller: [] },
    },
    { name: 'not node', yaml: deployment('[/bin/sh, /app/dist/cli/main.js]', '[speaker]'), want: {} },
    { name: 'no main.js', yaml: deployment('[node, --a]', '[speaker]'), want: {} },
    { name: 'no args', yaml: deployment('[node, /app/dist/cli/main.js]', '[]'), want: {} },
    {
      name: 'other documents around it',
      yaml: `kind: Namespace\n---\n${deployment('[node, --x, /m/cli/main.js]', '[speaker]')}`,
      want: { speaker: ['--x'] },
    },
  ])('$name', ({ yaml, want }) => {
    expect(Object.fromEntries(deployNodeFlags([yaml]))).toEqual(want);
  });

  it("reads deploy/'s manifests (a changed layout would silently measure without flags)", () => {
    const files = ['speaker', 'controller'].map((c) =>
      readFileSync(new URL(`../deploy/${c}.yaml`, import.meta.url), 'utf8'),
    );
    const flags = deployNodeFlags(files);
    expect(flags.get('speaker')).toContain('--optimize-for-size');
    expect(flags.get('controller')).toContain('--optimize-for-size');
  });
});

describe('staticImports', () => {
  it.each([
    { src: "import { a } from './a.js';", want: ['./a.js'] },
    { src: 'import \'./side.js\';\nimport x from "pkg";', want: ['./side.js', 'pkg'] },
    { src: "import {\n  a,\n  b,\n} from './multi.js';", want: ['./multi.js'] },
    { src: "export { a } from './re.js';", want: ['./re.js'] },
    { src: "const m = await import('./lazy.js');", want: [] },
    { src: "// import './commented.js' is not at a line start\nfoo();", want: [] },
  ])('$src', ({ src, want }) => {
    expect(staticImports(src)).toEqual(want);
  });
});

describe('summary', () => {
  it.each([
    { xs: [3, 1, 2], want: { median: 2, min: 1, max: 3 } },
    { xs: [4, 1, 2, 3], want: { median: 2.5, min: 1, max: 4 } },
    { xs: [5], want: { median: 5, min: 5, max: 5 } },
    { xs: [], want: { median: Number.NaN, min: Number.NaN, max: Number.NaN } },
  ])('$xs', ({ xs, want }) => {
    expect(summary(xs)).toEqual(want);
  });
});

describe('stepCosts', () => {
  const sample = (stepRssMiB: number[]): LoadSample => ({
    rssMiB: 0,
    anonMiB: 0,
    heapMiB: 0,
    importMs: 0,
    stepRssMiB,
    stepAnonMiB: stepRssMiB.map((x) => x / 2),
  });
  it.each([
    {
      name: 'what each step adds, over the samples',
      samples: [sample([40, 45, 60]), sample([41, 47, 61]), sample([40, 44, 62])],
      want: [
        { name: 'a', median: 5, min: 4, max: 6 },
        { name: 'b', median: 15, min: 14, max: 18 },
      ],
    },
    {
      name: 'a sample missing a step counts as unknown',
      samples: [sample([40, 45])],
      want: [
        { name: 'a', median: 5, min: 5, max: 5 },
        { name: 'b', median: Number.NaN, min: Number.NaN, max: Number.NaN },
      ],
    },
  ])('$name', ({ samples, want }) => {
    expect(stepCosts(['a', 'b'], samples, (s) => s.stepRssMiB)).toEqual(want);
    // The same samples, the other figure: half of each.
    const half = want.map((w) => ({ ...w, median: w.median / 2, min: w.min / 2, max: w.max / 2 }));
    expect(stepCosts(['a', 'b'], samples, (s) => s.stepAnonMiB)).toEqual(half);
  });
});
