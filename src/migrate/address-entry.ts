import { FAMILY_BITS, formatAddress, maxValue, parseAddress } from '../net/address.js';

/**
 * MetalLB reads a pool's CIDR with Go's net.ParseCIDR, which drops host bits: `192.168.1.1/24` means all of
 * 192.168.1.0/24 there. BareLB refuses such a CIDR as a likely typo, so the migration writes the network
 * MetalLB actually used. Returns the entry to write and, when it changed, why.
 */
export function normalizeAddressEntry(entry: string): { entry: string; note?: string } {
  const text = entry.trim();
  const slash = text.indexOf('/');
  if (slash < 0) return { entry: text };
  const base = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1).trim();
  if (!base || !/^\d{1,3}$/.test(prefixText)) return { entry: text };
  const bits = FAMILY_BITS[base.family];
  const prefix = Number(prefixText);
  if (prefix > bits) return { entry: text };
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((base.value & hostMask) === 0n) return { entry: text };
  const network = `${formatAddress({ family: base.family, value: base.value & ~hostMask & maxValue(base.family) })}/${prefix}`;
  return { entry: network, note: `"${text}" has host bits set; MetalLB used it as ${network}, written so` };
}
