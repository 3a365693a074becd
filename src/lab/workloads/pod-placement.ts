export interface PlacedPod {
  readonly name: string;
  readonly node: string;
}

/**
 * One pod per entry of `podsOn`, on that node, named `<workload>-<node>-<k>` with k counting per node,
 * so a pod's name says where it runs (tests read it back from the podserver's replies).
 */
export function podPlacement(workload: string, podsOn: readonly string[]): PlacedPod[] {
  const counts = new Map<string, number>();
  return podsOn.map((node) => {
    const k = (counts.get(node) ?? 0) + 1;
    counts.set(node, k);
    return { name: `${workload}-${node}-${k}`, node };
  });
}
