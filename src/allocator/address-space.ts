/**
 * A numbering of the addresses a pool may hand out, with no gaps. Free addresses are kept as
 * intervals of these indices, so that avoidBuggyIPs costs nothing per allocation: in raw addresses
 * a /12 without its x.0 and x.255 is 4,096 separate runs, and "the lowest free address" would have
 * to hop over each excluded pair; numbered densely it is one run, and counting stays arithmetic.
 * The numbering keeps order, so "lowest free index" is "lowest free address".
 */
export interface AddressSpace {
  /** The index of a usable address, or undefined when this space leaves it out. */
  indexOf(value: bigint): bigint | undefined;
  valueAt(index: bigint): bigint;
  /** The indices of the usable addresses in [first, last], or undefined when it holds none. */
  span(first: bigint, last: bigint): readonly [bigint, bigint] | undefined;
}

/** Every address usable: the index is the address. */
export const EVERY_ADDRESS: AddressSpace = {
  indexOf: (v) => v,
  valueAt: (i) => i,
  span: (first, last) => (first <= last ? [first, last] : undefined),
};

/**
 * IPv4 without addresses whose last octet is 0 or 255 (MetalLB's avoidBuggyIPs: some old clients
 * and routers take them for network or broadcast addresses, whatever the prefix). Each /24 keeps
 * its 254 addresses x.1 to x.254, numbered block * 254 + (octet - 1).
 */
export const WITHOUT_EDGE_OCTETS: AddressSpace = {
  indexOf: (v) => (isEdgeOctet(v) ? undefined : (v >> 8n) * 254n + (v & 0xffn) - 1n),
  valueAt: (i) => ((i / 254n) << 8n) + (i % 254n) + 1n,
  span(first, last) {
    // Move the bounds inwards onto usable addresses: .0 up to .1, .255 up to the next .1; and the
    // end down: .255 to .254, .0 to the previous .254.
    const lo = (first & 0xffn) === 0n ? first + 1n : (first & 0xffn) === 0xffn ? first + 2n : first;
    const hi = (last & 0xffn) === 0xffn ? last - 1n : (last & 0xffn) === 0n ? last - 2n : last;
    if (lo > hi) return undefined;
    const a = WITHOUT_EDGE_OCTETS.indexOf(lo);
    const b = WITHOUT_EDGE_OCTETS.indexOf(hi);
    return a === undefined || b === undefined ? undefined : [a, b];
  },
};

export function isEdgeOctet(value: bigint): boolean {
  const low = value & 0xffn;
  return low === 0n || low === 0xffn;
}
