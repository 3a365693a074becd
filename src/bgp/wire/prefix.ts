import { type Address, FAMILY_BITS, type Family } from '../../net/address.js';
import { Reader, WireError, type Writer } from './bytes.js';
import { ErrorCode, UpdateSubcode } from './codes.js';

/** An IP prefix as BGP carries it: the address with every bit past `length` zero. */
export interface Prefix {
  readonly address: Address;
  readonly length: number;
}

const bytesOf = (family: Family) => FAMILY_BITS[family] / 8;

/** An address's bytes, network order (4 or 16). */
export function addressBytes(a: Address): Uint8Array {
  const n = bytesOf(a.family);
  const out = new Uint8Array(n);
  let v = a.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The address in `bytes` (4 or 16 of them, zero-padded on the right when fewer). */
export function addressFrom(family: Family, bytes: Uint8Array): Address {
  let value = 0n;
  for (let i = 0; i < bytesOf(family); i++) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return { family, value };
}

/** NLRI encoding (RFC 4271 §4.3): a length in bits, then only the bytes that hold them. */
export function writePrefix(w: Writer, p: Prefix): void {
  const used = Math.ceil(p.length / 8);
  w.u8(p.length).bytes(addressBytes(p.address).subarray(0, used));
}

/**
 * Reads prefixes of one family until `bytes` ends. A length beyond the family's bits or past the
 * field is an Invalid Network Field (RFC 4271 §6.3; RFC 7606 §5.3 resets the session for it: with
 * the NLRI unreadable, nothing later in the message can be trusted). Bits set past the length are
 * cleared, as routers do, rather than refused.
 */
export function readPrefixes(family: Family, bytes: Uint8Array): Prefix[] {
  const invalid = (why: string) =>
    new WireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.INVALID_NETWORK_FIELD, `invalid prefix: ${why}`);
  const r = new Reader(bytes, () => invalid('its bytes run past the field'));
  const out: Prefix[] = [];
  const bits = FAMILY_BITS[family];
  while (r.remaining > 0) {
    const length = r.u8();
    if (length > bits) throw invalid(`length ${length} > ${bits}`);
    const a = addressFrom(family, r.bytes(Math.ceil(length / 8)));
    const host = BigInt(bits - length);
    out.push({ address: { family, value: (a.value >> host) << host }, length });
  }
  return out;
}
