/** A Kubernetes `metav1.LabelSelector`, as it arrives in a CRD object. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

/**
 * Matches labels against a selector with apimachinery's semantics: every matchLabels pair and every
 * expression must hold; an empty selector matches everything. `NotIn` matches an absent key.
 */
export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const value = labels[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** True when any selector matches; an empty list matches nothing (callers decide what "none given" means). */
export function matchesAny(selectors: readonly LabelSelector[], labels: Labels): boolean {
  return selectors.some((s) => matchesSelector(s, labels));
}
