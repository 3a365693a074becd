/**
 * UPDATE path attributes, both ways. Decoding follows RFC 7606's revised error handling: an
 * attribute that is malformed but can be stepped over makes the UPDATE "treat-as-withdraw" (its
 * routes count as withdrawn, the session stays up) or is discarded; only what leaves the message
 * unparseable, or an MP_REACH/MP_UNREACH that cannot be read, resets the session with a
 * NOTIFICATION. BareLB only exports routes, so a withdrawn UPDATE costs it nothing, while a reset
 * would drop every route it announces.
 */
import type { Address, Family } from '../../net/address.js';
import { Reader, WireError, Writer } from './bytes.js';
import { Afi, AS_TRANS, AttrFlag, AttrType, ErrorCode, Origin, Safi, UpdateSubcode } from './codes.js';
import type { AsPathSegment, PathAttributes, WireContext } from './messages.js';
import { addressBytes, addressFrom, readPrefixes, writePrefix } from './prefix.js';

/** RFC 6793 §3: a 2-octet peer gets AS_TRANS in AS_PATH and the real path in AS4_PATH. */
const AS4_PATH = 17;

/** The optional and transitive bits each attribute BareLB knows must carry (RFC 4271 §5, RFC 4760, RFC 8092). */
const EXPECTED_FLAGS: Readonly<Record<number, number>> = {
  [AttrType.ORIGIN]: AttrFlag.TRANSITIVE,
  [AttrType.AS_PATH]: AttrFlag.TRANSITIVE,
  [AttrType.NEXT_HOP]: AttrFlag.TRANSITIVE,
  [AttrType.MED]: AttrFlag.OPTIONAL,
  [AttrType.LOCAL_PREF]: AttrFlag.TRANSITIVE,
  [AttrType.ATOMIC_AGGREGATE]: AttrFlag.TRANSITIVE,
  [AttrType.AGGREGATOR]: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE,
  [AttrType.COMMUNITIES]: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE,
  [AttrType.MP_REACH_NLRI]: AttrFlag.OPTIONAL,
  [AttrType.MP_UNREACH_NLRI]: AttrFlag.OPTIONAL,
  [AttrType.LARGE_COMMUNITIES]: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE,
};

export const familyOfAfi = (afi: number): Family | undefined =>
  afi === Afi.IPV4 ? 'IPv4' : afi === Afi.IPV6 ? 'IPv6' : undefined;
export const afiOf = (f: Family): number => (f === 'IPv4' ? Afi.IPV4 : Afi.IPV6);

// ---------------------------------------------------------------------------------------------
// Encoding

function writeAttribute(w: Writer, code: number, value: Uint8Array, flags = EXPECTED_FLAGS[code] ?? 0): void {
  if (value.length > 255)
    w.u8(flags | AttrFlag.EXTENDED_LENGTH)
      .u8(code)
      .u16(value.length);
  else
    w.u8(flags & ~AttrFlag.EXTENDED_LENGTH)
      .u8(code)
      .u8(value.length);
  w.bytes(value);
}

function asPathBytes(segments: readonly AsPathSegment[], fourOctet: boolean): Uint8Array {
  const w = new Writer();
  for (const s of segments) {
    w.u8(s.type).u8(s.asns.length);
    for (const asn of s.asns) {
      if (fourOctet) w.u32(asn);
      else w.u16(asn > 0xffff ? AS_TRANS : asn);
    }
  }
  return w.done();
}

/** The attributes in wire order (by type code, as RFC 4271 §5 recommends). */
export function writeAttributes(w: Writer, a: PathAttributes, ctx: WireContext): void {
  const v = () => new Writer();
  if (a.origin !== undefined) writeAttribute(w, AttrType.ORIGIN, v().u8(a.origin).done());
  if (a.asPath !== undefined) {
    writeAttribute(w, AttrType.AS_PATH, asPathBytes(a.asPath, ctx.fourOctetAs));
  }
  if (a.nextHop !== undefined) writeAttribute(w, AttrType.NEXT_HOP, addressBytes(a.nextHop));
  if (a.med !== undefined) writeAttribute(w, AttrType.MED, v().u32(a.med).done());
  if (a.localPref !== undefined) writeAttribute(w, AttrType.LOCAL_PREF, v().u32(a.localPref).done());
  if (a.atomicAggregate) writeAttribute(w, AttrType.ATOMIC_AGGREGATE, new Uint8Array(0));
  if (a.aggregator !== undefined) {
    const x = v();
    if (ctx.fourOctetAs) x.u32(a.aggregator.asn);
    else x.u16(a.aggregator.asn > 0xffff ? AS_TRANS : a.aggregator.asn);
    writeAttribute(w, AttrType.AGGREGATOR, x.bytes(addressBytes(a.aggregator.address)).done());
  }
  if (a.communities !== undefined && a.communities.length > 0) {
    const x = v();
    for (const c of a.communities) x.u32(c);
    writeAttribute(w, AttrType.COMMUNITIES, x.done());
  }
  if (a.mpReach !== undefined) {
    const x = v().u16(a.mpReach.afi).u8(a.mpReach.safi);
    const hops = a.mpReach.nextHops.map(addressBytes);
    x.u8(hops.reduce((n, h) => n + h.length, 0));
    for (const h of hops) x.bytes(h);
    x.u8(0);
    for (const p of a.mpReach.nlri) writePrefix(x, p);
    writeAttribute(w, AttrType.MP_REACH_NLRI, x.done());
  }
  if (a.mpUnreach !== undefined) {
    const x = v().u16(a.mpUnreach.afi).u8(a.mpUnreach.safi);
    for (const p of a.mpUnreach.withdrawn) writePrefix(x, p);
    writeAttribute(w, AttrType.MP_UNREACH_NLRI, x.done());
  }
  if (!ctx.fourOctetAs && a.asPath?.some((s) => s.asns.some((n) => n > 0xffff))) {
    writeAttribute(w, AS4_PATH, asPathBytes(a.asPath, true), AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE);
  }
  if (a.largeCommunities !== undefined && a.largeCommunities.length > 0) {
    const x = v();
    for (const [g, l1, l2] of a.largeCommunities) x.u32(g).u32(l1).u32(l2);
    writeAttribute(w, AttrType.LARGE_COMMUNITIES, x.done());
  }
  for (const o of a.other ?? []) writeAttribute(w, o.code, o.value, o.flags);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** The attributes read, and why the UPDATE must be treated as a withdrawal (RFC 7606), if it must. */
export interface ReadAttributes {
  readonly attributes: PathAttributes;
  readonly withdrawReasons: readonly string[];
}

const updateError = (subcode: number, why: string, data?: Uint8Array) =>
  new WireError(ErrorCode.UPDATE_MESSAGE, subcode, why, data);

/** A malformed attribute that does not reset the session. */
class AttributeProblem extends Error {
  constructor(
    readonly action: 'withdraw' | 'discard',
    message: string,
  ) {
    super(message);
  }
}

function readAsPath(value: Uint8Array, fourOctet: boolean): AsPathSegment[] {
  const r = new Reader(
    value,
    () => new AttributeProblem('withdraw', 'AS_PATH segment runs past the attribute'),
  );
  const out: AsPathSegment[] = [];
  while (r.remaining > 0) {
    const type = r.u8();
    const count = r.u8();
    if (type < 1 || type > 4) throw new AttributeProblem('withdraw', `AS_PATH segment type ${type}`);
    if (count === 0) throw new AttributeProblem('withdraw', 'empty AS_PATH segment');
    const asns: number[] = [];
    for (let i = 0; i < count; i++) asns.push(fourOctet ? r.u32() : r.u16());
    out.push({ type, asns });
  }
  return out;
}

function exactLength(
  code: string,
  value: Uint8Array,
  n: number,
  action: 'withdraw' | 'discard' = 'withdraw',
) {
  if (value.length !== n) throw new AttributeProblem(action, `${code} of ${value.length} bytes, not ${n}`);
}

function readMpReach(value: Uint8Array): NonNullable<PathAttributes['mpReach']> {
  // RFC 7606 §7.3: an MP_REACH that cannot be read loses routes we cannot even name: reset.
  const bad = (why: string) => updateError(UpdateSubcode.OPTIONAL_ATTRIBUTE, `MP_REACH_NLRI: ${why}`);
  const r = new Reader(value, () => bad('runs past the attribute'));
  const afi = r.u16();
  const safi = r.u8();
  const hopLength = r.u8();
  const hopBytes = r.bytes(hopLength);
  r.u8(); // reserved
  const family = familyOfAfi(afi);
  if (family === undefined || safi !== Safi.UNICAST) {
    // A family we did not negotiate: nothing of ours to read (its NLRI are skipped whole).
    return { afi, safi, nextHops: [], nlri: [] };
  }
  const size = family === 'IPv4' ? 4 : 16;
  if (hopLength !== size && hopLength !== 2 * size) throw bad(`next hop of ${hopLength} bytes`);
  const nextHops: Address[] = [];
  for (let i = 0; i < hopLength; i += size)
    nextHops.push(addressFrom(family, hopBytes.subarray(i, i + size)));
  return { afi, safi, nextHops, nlri: readPrefixes(family, r.rest()) };
}

function readMpUnreach(value: Uint8Array): NonNullable<PathAttributes['mpUnreach']> {
  const r = new Reader(value, () =>
    updateError(UpdateSubcode.OPTIONAL_ATTRIBUTE, 'MP_UNREACH_NLRI: runs past the attribute'),
  );
  const afi = r.u16();
  const safi = r.u8();
  const family = familyOfAfi(afi);
  if (family === undefined || safi !== Safi.UNICAST) return { afi, safi, withdrawn: [] };
  return { afi, safi, withdrawn: readPrefixes(family, r.rest()) };
}

/**
 * Reads the path attributes field. Throws WireError for what resets the session: an attribute
 * header or length running past the field, an unrecognised well-known attribute, an unreadable or
 * repeated MP_REACH/MP_UNREACH. Everything else malformed is reported in withdrawReasons or dropped.
 */
export function readAttributes(field: Uint8Array, ctx: WireContext, hasNlri: boolean): ReadAttributes {
  const r = new Reader(field, () =>
    updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, 'an attribute runs past the path attributes'),
  );
  const a: { -readonly [K in keyof PathAttributes]: PathAttributes[K] } = {};
  const other: { flags: number; code: number; value: Uint8Array }[] = [];
  const withdrawReasons: string[] = [];
  const seen = new Set<number>();
  while (r.remaining > 0) {
    const flags = r.u8();
    const code = r.u8();
    const length = flags & AttrFlag.EXTENDED_LENGTH ? r.u16() : r.u8();
    const value = r.bytes(length);
    if (seen.has(code)) {
      if (code === AttrType.MP_REACH_NLRI || code === AttrType.MP_UNREACH_NLRI)
        throw updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, `attribute ${code} twice`);
      continue; // RFC 7606 §3g: all but the first are discarded.
    }
    seen.add(code);
    const want = EXPECTED_FLAGS[code];
    if (want === undefined) {
      if (!(flags & AttrFlag.OPTIONAL))
        throw updateError(
          UpdateSubcode.UNRECOGNIZED_WELL_KNOWN,
          `unrecognised well-known attribute ${code}`,
          value,
        );
      other.push({ flags, code, value });
      continue;
    }
    if ((flags & (AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE)) !== want) {
      withdrawReasons.push(`attribute ${code} with flags 0x${flags.toString(16)}`);
      continue;
    }
    try {
      switch (code) {
        case AttrType.ORIGIN:
          exactLength('ORIGIN', value, 1);
          if ((value[0] ?? 0) > Origin.INCOMPLETE)
            throw new AttributeProblem('withdraw', `ORIGIN ${value[0]}`);
          a.origin = value[0] ?? 0;
          break;
        case AttrType.AS_PATH:
          a.asPath = readAsPath(value, ctx.fourOctetAs);
          break;
        case AttrType.NEXT_HOP:
          exactLength('NEXT_HOP', value, 4);
          a.nextHop = addressFrom('IPv4', value);
          break;
        case AttrType.MED:
          exactLength('MED', value, 4);
          a.med = new Reader(value, () => new AttributeProblem('withdraw', 'MED')).u32();
          break;
        case AttrType.LOCAL_PREF:
          exactLength('LOCAL_PREF', value, 4);
          a.localPref = new Reader(value, () => new AttributeProblem('withdraw', 'LOCAL_PREF')).u32();
          break;
        case AttrType.ATOMIC_AGGREGATE:
          exactLength('ATOMIC_AGGREGATE', value, 0, 'discard');
          a.atomicAggregate = true;
          break;
        case AttrType.AGGREGATOR: {
          exactLength('AGGREGATOR', value, ctx.fourOctetAs ? 8 : 6, 'discard');
          const x = new Reader(value, () => new AttributeProblem('discard', 'AGGREGATOR'));
          const asn = ctx.fourOctetAs ? x.u32() : x.u16();
          a.aggregator = { asn, address: addressFrom('IPv4', x.rest()) };
          break;
        }
        case AttrType.COMMUNITIES: {
          if (value.length === 0 || value.length % 4 !== 0)
            throw new AttributeProblem('withdraw', `COMMUNITIES of ${value.length} bytes`);
          const x = new Reader(value, () => new AttributeProblem('withdraw', 'COMMUNITIES'));
          const cs: number[] = [];
          while (x.remaining > 0) cs.push(x.u32());
          a.communities = cs;
          break;
        }
        case AttrType.LARGE_COMMUNITIES: {
          if (value.length === 0 || value.length % 12 !== 0)
            throw new AttributeProblem('withdraw', `LARGE_COMMUNITIES of ${value.length} bytes`);
          const x = new Reader(value, () => new AttributeProblem('withdraw', 'LARGE_COMMUNITIES'));
          const ls: [number, number, number][] = [];
          while (x.remaining > 0) ls.push([x.u32(), x.u32(), x.u32()]);
          a.largeCommunities = ls;
          break;
        }
        case AttrType.MP_REACH_NLRI:
          a.mpReach = readMpReach(value);
          break;
        case AttrType.MP_UNREACH_NLRI:
          a.mpUnreach = readMpUnreach(value);
          break;
      }
    } catch (err) {
      if (!(err instanceof AttributeProblem)) throw err;
      if (err.action === 'withdraw') withdrawReasons.push(err.message);
    }
  }
  if (other.length > 0) a.other = other;
  // RFC 7606 §3d: missing mandatory attributes withdraw the routes rather than reset the session.
  const reaches = hasNlri || (a.mpReach?.nlri.length ?? 0) > 0;
  if (reaches) {
    if (a.origin === undefined && seen.has(AttrType.ORIGIN) === false) withdrawReasons.push('no ORIGIN');
    if (a.asPath === undefined && seen.has(AttrType.AS_PATH) === false) withdrawReasons.push('no AS_PATH');
    if (hasNlri && a.nextHop === undefined && !seen.has(AttrType.NEXT_HOP))
      withdrawReasons.push('no NEXT_HOP');
  }
  return { attributes: a, withdrawReasons };
}
