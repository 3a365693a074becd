/** Address family, spelled as Kubernetes spells `spec.ipFamilies`. */
export type Family = 'IPv4' | 'IPv6';

export const FAMILIES: readonly Family[] = ['IPv4', 'IPv6'];

/** Bits in an address of each family. */
export const FAMILY_BITS: Readonly<Record<Family, number>> = { IPv4: 32, IPv6: 128 };

/**
 * An IP address as a family and a bigint, so arithmetic over a /64 or a /8 never enumerates.
 * Values are plain data: compare with `sameAddress`, key maps with `formatAddress`.
 */
export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

/** Parses a textual IPv4 or IPv6 address (no prefix, no zone). Returns undefined when it is not one. */
export function parseAddress(text: string): Address | undefined {
  const s = text.trim();
  if (s.includes('/') || s.includes('%') || s === '') return undefined;
  if (s.includes(':')) {
    // IPv4-mapped and -embedded forms (::ffff:198.18.0.1) name an IPv4 endpoint; Kubernetes refuses them.
    if (s.includes('.')) return undefined;
    const value = parseIPv6(s);
    return value === undefined ? undefined : { family: 'IPv6', value };
  }
  const value = parseIPv4(s);
  return value === undefined ? undefined : { family: 'IPv4', value };
}

/**
 * Our own parsing and formatting, not a library's: ip-num cost the speaker and the controller 5.6
 * MiB of RSS and 70 ms of start-up to load (issue 14) for these few lines. The property test in
 * net.test.ts holds them to ip-num's answers.
 */
const DECIMAL_OCTET = /^(0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** A dotted quad; leading zeros ("010.0.0.1", octal to some tools) are refused, as Kubernetes does. */
function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!DECIMAL_OCTET.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return BigInt(n);
}

/** Eight hex groups, at most one `::` standing for one or more zero groups. */
function parseIPv6(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined) => (h === undefined || h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let v = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!HEX_GROUP.test(g)) return undefined;
    v = (v << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return v;
}

/** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
export function formatAddress(a: Address): string {
  if (a.family === 'IPv4') {
    // A dotted quad is four shifts of a 32-bit number.
    const n = Number(a.value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return formatIPv6(a.value);
}

/** RFC 5952: lower-case hex without leading zeros; the first longest run of two or more zero groups is `::`. */
function formatIPv6(value: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** The family of a textual address, or undefined when it is not an address. */
export function familyOf(text: string): Family | undefined {
  return parseAddress(text)?.family;
}

export function sameAddress(a: Address, b: Address): boolean {
  return a.family === b.family && a.value === b.value;
}

/** Total order: IPv4 before IPv6, then by value. */
export function compareAddress(a: Address, b: Address): number {
  if (a.family !== b.family) return a.family === 'IPv4' ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** The largest value an address of this family can hold. */
export function maxValue(family: Family): bigint {
  return (1n << BigInt(FAMILY_BITS[family])) - 1n;
}
