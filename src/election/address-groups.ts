/** Addresses that must be announced from one node, and the Services behind them. */
export interface AddressGroup<S> {
  /** What the group's owner is ranked by: its lowest address as text, the same on every speaker. */
  readonly key: string;
  /** The group's addresses, sorted. */
  readonly ips: readonly string[];
  readonly services: readonly S[];
}

/**
 * Joins Services that must be announced by one node: all the addresses of one Service (a
 * dual-stack Service answered from two nodes would make both rewrite its one ServiceL2Status
 * forever, issue 18 finding 4, and clients would see two MACs for one Service), and every Service
 * sharing an address with another. These are the connected components of the Service-address graph.
 * Pure; the order of the input does not matter.
 */
export function addressGroups<S extends { readonly ips: readonly string[] }>(
  services: readonly S[],
): AddressGroup<S>[] {
  const parent = new Map<string, string>();
  const find = (ip: string): string => {
    let root = ip;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    // Path compression keeps later finds short.
    for (let at = ip; at !== root; ) {
      const next = parent.get(at) as string;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  for (const s of services) {
    for (const ip of s.ips) if (!parent.has(ip)) parent.set(ip, ip);
    const [first, ...rest] = s.ips;
    if (first === undefined) continue;
    for (const ip of rest) {
      const a = find(first);
      const b = find(ip);
      // The smaller address becomes the root, so a group's root is its key whatever the order.
      if (a !== b) a < b ? parent.set(b, a) : parent.set(a, b);
    }
  }
  const groups = new Map<string, { ips: string[]; services: S[] }>();
  const groupOf = (root: string) => {
    let g = groups.get(root);
    if (!g) {
      g = { ips: [], services: [] };
      groups.set(root, g);
    }
    return g;
  };
  for (const ip of parent.keys()) groupOf(find(ip)).ips.push(ip);
  for (const s of services) if (s.ips[0] !== undefined) groupOf(find(s.ips[0])).services.push(s);
  return [...groups].map(([key, g]) => ({ key, ips: g.ips.sort(), services: g.services }));
}
