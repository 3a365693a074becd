import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { celExpressions, minimumKubernetes } from './cel-minimum-kubernetes.js';

describe('minimumKubernetes', () => {
  it.each([
    { rule: 'self.size() > 0', minor: 25, feature: 'x-kubernetes-validations' },
    { rule: "self.matches('^a$') && self.trim() != ''", minor: 25, feature: 'x-kubernetes-validations' },
    {
      rule: 'self.?spec.orValue(1) == 1',
      minor: 29,
      feature: 'optional types (.?field, optional.of, hasValue, orValue)',
    },
    {
      rule: "quantity(self).isGreaterThan(quantity('1'))",
      minor: 29,
      feature: 'Kubernetes quantity library',
    },
    { rule: "self.join(',') != ''", minor: 30, feature: 'strings extension v2 (join, quote, format)' },
    { rule: 'sets.contains(self, [1])', minor: 30, feature: 'sets extension' },
    { rule: 'isCIDR(self)', minor: 31, feature: 'Kubernetes IP and CIDR libraries' },
    { rule: 'ip(self).family() == 4', minor: 31, feature: 'Kubernetes IP and CIDR libraries' },
    {
      rule: '!format.dns1123Label().validate(self).hasValue()',
      minor: 32,
      feature: 'Kubernetes format library',
    },
    { rule: 'self.all(i, v, i < 3 || v > 0)', minor: 33, feature: 'two-variable comprehensions' },
    { rule: "['/0/1'].exists(i, p, i < 32)", minor: 33, feature: 'two-variable comprehensions' },
    { rule: 'self.transformList(i, v, v * 2) == self', minor: 33, feature: 'two-variable comprehensions' },
    { rule: 'isSemver(self)', minor: 34, feature: 'Kubernetes semver library' },
    {
      rule: 'self.distinct() == self',
      minor: 35,
      feature: 'lists extension v3 (slice, flatten, distinct, sort, range, first, last)',
    },
    // One-variable macros and a call with commas inside the predicate stay at the base.
    {
      rule: 'self.all(a, a.size() > 0) && self.exists(b, f(b, 1))',
      minor: 25,
      feature: 'x-kubernetes-validations',
    },
    {
      rule: 'self.all(a, !isCIDR(a.trim()) || self.all(b, a == b))',
      minor: 31,
      feature: 'Kubernetes IP and CIDR libraries',
    },
  ])('$rule → 1.$minor', ({ rule, minor, feature }) => {
    expect(minimumKubernetes([rule])).toEqual({ minor, feature });
  });

  it('takes the newest of several expressions', () => {
    expect(
      minimumKubernetes(['isIP(self)', 'format.labelValue().validate(self) == optional.none()']),
    ).toEqual({
      minor: 32,
      feature: 'Kubernetes format library',
    });
  });

  it('nothing to compile: no minimum', () => {
    expect(minimumKubernetes([])).toEqual({ minor: 0, feature: 'none' });
  });
});

describe('celExpressions', () => {
  it('collects rules and message expressions at any depth, and nothing else', () => {
    const doc = {
      message: 'not a rule',
      properties: {
        a: { 'x-kubernetes-validations': [{ rule: 'r1', message: 'm' }] },
        b: { items: { 'x-kubernetes-validations': [{ rule: 'r2', messageExpression: 'e2' }] } },
      },
    };
    expect(celExpressions(doc)).toEqual(['r1', 'r2', 'e2']);
  });
});

describe("the CRDs' oldest Kubernetes", () => {
  const dirs = ['../../config/crd/', '../../charts/barelb/crds/'];
  it.each(dirs)(
    '%s needs 1.33 (two-variable comprehensions), the oldest the lab builds (tools/lab-binaries/kube-1.33)',
    (dir) => {
      const url = new URL(dir, import.meta.url);
      const expressions = readdirSync(url)
        .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
        .flatMap((f) => parseAllDocuments(readFileSync(new URL(f, url), 'utf8')).map((d) => d.toJS()))
        .flatMap(celExpressions);
      expect(expressions.length).toBeGreaterThan(30);
      // Raising this minor drops a supported Kubernetes: change docs/compatibility.md, the quickstart,
      // the CHANGELOG and the lab's older module (npm run test:compat) with it.
      expect(minimumKubernetes(expressions)).toEqual({ minor: 33, feature: 'two-variable comprehensions' });
      const mod = readFileSync(new URL('../../tools/lab-binaries/kube-1.33/go.mod', import.meta.url), 'utf8');
      expect(mod).toMatch(/^\s*k8s\.io\/kubernetes v1\.33\.\d+/m);
    },
  );
});
