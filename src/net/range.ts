import { type Address, FAMILY_BITS, type Family, formatAddress, maxValue, parseAddress } from './address.js';

/** An inclusive range of addresses of one family. A CIDR is a range whose bounds align. */
export interface AddressRange {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
}

export type RangeParse = { ok: true; range: AddressRange } | { ok: false; reason: string };

/**
 * Parses the forms an IPAddressPool accepts: a CIDR (`198.18.0.0/24`, `fd00::/64`) or a range
 * (`198.18.0.10-198.18.0.20`, spaces around the dash allowed, as MetalLB allows).
 * A CIDR must name its network address: `10.0.0.1/24` is refused, because it is almost always a typo.
 */
export function parseRange(text: string): RangeParse {
  const s = text.trim();
  if (s === '') return { ok: false, reason: 'empty address' };
  if (s.includes('/')) return parseCidr(s);
  if (s.includes('-')) {
    const parts = s.split('-');
    if (parts.length !== 2) return { ok: false, reason: `"${s}" is not a range (want start-end)` };
    const start = parseAddress(parts[0] ?? '');
    const end = parseAddress(parts[1] ?? '');
    if (!start) return { ok: false, reason: `range start "${(parts[0] ?? '').trim()}" is not an IP address` };
    if (!end) return { ok: false, reason: `range end "${(parts[1] ?? '').trim()}" is not an IP address` };
    if (start.family !== end.family)
      return { ok: false, reason: 'range start and end are of different families' };
    if (start.value > end.value) return { ok: false, reason: 'range start after end' };
    return { ok: true, range: { family: start.family, first: start.value, last: end.value } };
  }
  return { ok: false, reason: `"${s}" is neither a CIDR nor a start-end range` };
}

function parseCidr(s: string): RangeParse {
  const [ipText = '', prefixText = '', ...rest] = s.split('/');
  const base = parseAddress(ipText);
  if (!base || rest.length > 0) return { ok: false, reason: `"${s}" is not a valid CIDR` };
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText))
    return { ok: false, reason: `"${s}" has no valid prefix length` };
  const bits = FAMILY_BITS[base.family];
  const prefix = Number(prefixText);
  if (prefix > bits) return { ok: false, reason: `prefix length /${prefix} is longer than ${bits} bits` };
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((base.value & hostMask) !== 0n) {
    const network = formatAddress({
      family: base.family,
      value: base.value & ~hostMask & maxValue(base.family),
    });
    return { ok: false, reason: `"${s}" has host bits set (did you mean ${network}/${prefix}?)` };
  }
  return { ok: true, range: { family: base.family, first: base.value, last: base.value | hostMask } };
}

/** Number of addresses in the range. */
export function rangeSize(r: AddressRange): bigint {
  return r.last - r.first + 1n;
}

export function rangeContains(r: AddressRange, a: Address): boolean {
  return r.family === a.family && a.value >= r.first && a.value <= r.last;
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** `first-last`, or the CIDR when the range is exactly one. */
export function formatRange(r: AddressRange): string {
  const size = rangeSize(r);
  const isPow2 = (size & (size - 1n)) === 0n;
  if (isPow2 && (r.first & (size - 1n)) === 0n) {
    const prefix = FAMILY_BITS[r.family] - (size.toString(2).length - 1);
    return `${formatAddress({ family: r.family, value: r.first })}/${prefix}`;
  }
  return `${formatAddress({ family: r.family, value: r.first })}-${formatAddress({ family: r.family, value: r.last })}`;
}
