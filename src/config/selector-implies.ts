import type { LabelSelector, LabelSelectorRequirement } from './label-selector.js';

// Whether one label selector can only match what another matches: asked by `barelb migrate` to tell whether a
// pool that only serves some Services is announced for all of them. A sound check, not a complete one: it says
// yes only when each requirement of the wider selector follows from one requirement of the narrower one on the
// same key, so a "no" may be a case it cannot prove (the caller then warns, which errs on the side of telling).

/** `matchLabels` and `matchExpressions` as one list of requirements; `k: v` is `k In [v]`. */
function requirements(s: LabelSelector): LabelSelectorRequirement[] {
  return [
    ...Object.entries(s.matchLabels ?? {}).map(([key, v]) => ({
      key,
      operator: 'In' as const,
      values: [v],
    })),
    ...(s.matchExpressions ?? []),
  ];
}

const subset = (a: readonly string[], b: readonly string[]) => a.every((v) => b.includes(v));

/** Whether every label set that meets `a` meets `b` (both on the same key). */
function requirementImplies(a: LabelSelectorRequirement, b: LabelSelectorRequirement): boolean {
  const va = a.values ?? [];
  const vb = b.values ?? [];
  switch (b.operator) {
    case 'In':
      return a.operator === 'In' && subset(va, vb);
    case 'Exists':
      return a.operator === 'In' || a.operator === 'Exists';
    case 'NotIn':
      if (a.operator === 'In') return va.every((v) => !vb.includes(v));
      if (a.operator === 'NotIn') return subset(vb, va);
      return a.operator === 'DoesNotExist';
    case 'DoesNotExist':
      return a.operator === 'DoesNotExist';
  }
}

/** Whether every label set `narrow` matches is matched by `wide`. */
export function selectorImplies(narrow: LabelSelector, wide: LabelSelector): boolean {
  const have = requirements(narrow);
  return requirements(wide).every((w) => have.some((n) => n.key === w.key && requirementImplies(n, w)));
}

/**
 * Whether every label set matched by one of `narrow` is matched by one of `wide` (both lists mean "any of
 * them"). An empty `narrow` matches nothing here, so it is implied; callers give "none means all" its meaning.
 */
export function selectorsImply(narrow: readonly LabelSelector[], wide: readonly LabelSelector[]): boolean {
  return narrow.every((n) => wide.some((w) => selectorImplies(n, w)));
}
