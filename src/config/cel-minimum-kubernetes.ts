/**
 * The oldest Kubernetes minor whose API server compiles a CEL expression of a CRD, judged by the
 * libraries and syntax the expression uses. Pure: the test runs it over config/crd, so a rule that needs
 * a newer server than the one the docs promise (and `npm run test:compat` runs) fails a unit test, not
 * an install.
 *
 * Why "introduced + 1": k8s.io/apiserver/pkg/cel/environment/base.go tags each library with the minor
 * that introduced it, and a CRD's new rules compile in the environment of the server's minimum
 * compatibility version, its own minor − 1 (so that a rollback to that minor can still read them). A
 * library introduced in 1.32 is therefore refused by a 1.32 server and accepted from 1.33 on.
 */

export interface CelFeature {
  /** What the expression uses, as the docs name it. */
  readonly name: string;
  /** The first Kubernetes minor (1.x) that accepts it in a new CRD. */
  readonly minor: number;
  readonly pattern: RegExp;
}

/**
 * Detected by the text of the expression (a name in a string literal counts too: that errs towards a
 * newer minor, never an older one). Minors are base.go's introducing version + 1; x-kubernetes-validations
 * themselves are on by default from 1.25.
 */
export const CEL_FEATURES: readonly CelFeature[] = [
  { name: 'x-kubernetes-validations', minor: 25, pattern: /[\s\S]/ },
  {
    name: 'optional types (.?field, optional.of, hasValue, orValue)',
    minor: 29,
    pattern: /\.\?\w|\boptional\.\w|\.(hasValue|orValue|value)\(/,
  },
  { name: 'Kubernetes quantity library', minor: 29, pattern: /\b(quantity|isQuantity)\(/ },
  {
    name: 'strings extension v2 (join, quote, format)',
    minor: 30,
    pattern: /\.join\(|\bstrings\.quote\(|'\.format\(|"\.format\(/,
  },
  { name: 'sets extension', minor: 30, pattern: /\bsets\.\w+\(/ },
  { name: 'Kubernetes IP and CIDR libraries', minor: 31, pattern: /\b(isIP|ip|isCIDR|cidr)\(/ },
  { name: 'Kubernetes format library', minor: 32, pattern: /\bformat\.\w+\(/ },
  {
    name: 'two-variable comprehensions',
    minor: 33,
    pattern: /\.(all|exists|existsOne|exists_one)\(\s*\w+\s*,\s*\w+\s*,|\.transform(List|Map|MapEntry)\(/,
  },
  { name: 'Kubernetes semver library', minor: 34, pattern: /\b(isSemver|semver)\(/ },
  {
    name: 'lists extension v3 (slice, flatten, distinct, sort, range, first, last)',
    minor: 35,
    pattern: /\.(slice|flatten|sortBy)\(|\.(distinct|sort|reverse|first|last)\(\)|\blists\.range\(/,
  },
];

export interface MinimumKubernetes {
  readonly minor: number;
  /** The feature that decides it (the first listed among those of the highest minor). */
  readonly feature: string;
}

/** The oldest minor that accepts every one of the expressions, and the feature that decides it. */
export function minimumKubernetes(expressions: readonly string[]): MinimumKubernetes {
  let best: MinimumKubernetes = { minor: 0, feature: 'none' };
  for (const f of CEL_FEATURES) {
    if (f.minor > best.minor && expressions.some((e) => f.pattern.test(e)))
      best = { minor: f.minor, feature: f.name };
  }
  return best;
}

/** Every `rule` and `messageExpression` under an `x-kubernetes-validations` anywhere in a parsed document. */
export function celExpressions(doc: unknown): string[] {
  if (Array.isArray(doc)) return doc.flatMap(celExpressions);
  if (doc === null || typeof doc !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'x-kubernetes-validations' && Array.isArray(v)) {
      for (const r of v as { rule?: unknown; messageExpression?: unknown }[]) {
        if (typeof r.rule === 'string') out.push(r.rule);
        if (typeof r.messageExpression === 'string') out.push(r.messageExpression);
      }
    } else out.push(...celExpressions(v));
  }
  return out;
}
