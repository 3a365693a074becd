import { describe, expect, it } from 'vitest';
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelKeyProblem,
  labelValueProblem,
} from './k8s-names.js';

describe('k8s name rules', () => {
  const cases: { fn: (s: string) => string | undefined; ok: string[]; bad: string[] }[] = [
    {
      fn: dns1123LabelProblem,
      ok: ['a', 'prod', 'team-1', '0', 'x'.repeat(63)],
      bad: ['', 'Prod', '-a', 'a-', 'a.b', 'a_b', 'x'.repeat(64)],
    },
    {
      fn: dns1123SubdomainProblem,
      ok: ['lan', 'lan.home', 'pool-1.example.com', 'x'.repeat(253)],
      bad: ['', 'Lan', 'lan.', '.lan', 'lan..home', 'lan_1', 'x'.repeat(254)],
    },
    {
      fn: labelKeyProblem,
      ok: ['a', 'app.kubernetes.io/name', 'A_b.c-d', 'x'.repeat(63)],
      bad: ['', '/a', 'a/', '_a', 'a_', 'A.com/a', 'a/b/c', 'x'.repeat(64)],
    },
    {
      fn: labelValueProblem,
      ok: ['', 'a', 'A_b.c-d', 'x'.repeat(63)],
      bad: ['-a', 'a b', 'a/b', 'x'.repeat(64)],
    },
  ];
  for (const { fn, ok, bad } of cases) {
    it(`${fn.name} accepts ${ok.length} and refuses ${bad.length}`, () => {
      expect(ok.filter((s) => fn(s) !== undefined)).toEqual([]);
      expect(bad.filter((s) => fn(s) === undefined)).toEqual([]);
    });
  }
});
