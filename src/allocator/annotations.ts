/**
 * The Service annotations the allocator reads. Ours come first; MetalLB's current and legacy
 * prefixes are read too, so a MetalLB user can switch without touching a single Service.
 */
export const ANNOTATION_PREFIXES = ['barelb.io/', 'metallb.io/', 'metallb.universe.tf/'] as const;

export type AnnotationName = 'address-pool' | 'loadBalancerIPs' | 'allow-shared-ip';

export interface AnnotationValue {
  /** The full annotation key the value came from, e.g. `metallb.io/address-pool`. */
  readonly from: string;
  readonly value: string;
}

/**
 * Reads one annotation under every prefix. The first prefix that holds a non-empty value wins
 * (an empty value counts as unset, as MetalLB treats it). A later prefix holding another value is
 * almost always a half-done migration: it is reported in `warnings`, never refused.
 */
export function readAnnotation(
  annotations: Readonly<Record<string, unknown>>,
  name: AnnotationName,
  warnings: string[],
): AnnotationValue | undefined {
  let winner: AnnotationValue | undefined;
  for (const prefix of ANNOTATION_PREFIXES) {
    const key = prefix + name;
    const raw = Object.hasOwn(annotations, key) ? annotations[key] : undefined;
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    const value = raw.trim();
    if (!winner) winner = { from: key, value };
    else if (value !== winner.value)
      warnings.push(
        `annotation ${key}="${value}" disagrees with ${winner.from}="${winner.value}"; using ${winner.from}`,
      );
  }
  return winner;
}
