/**
 * BGP messages to bytes and back (pure). `nextFrame` cuts a TCP stream into messages and checks
 * their headers; `decodeMessage` reads one; `encodeMessage` writes one. Every decoding failure is a
 * WireError naming the NOTIFICATION to send (RFC 4271 §6), so the session's only reaction to a
 * malformed or hostile message is that NOTIFICATION and a close.
 */

import { readAttributes, writeAttributes } from './attributes.js';
import { Reader, WireError, Writer } from './bytes.js';
import {
  AS_TRANS,
  BGP_VERSION,
  CapabilityCode,
  ErrorCode,
  HEADER_LENGTH,
  HeaderSubcode,
  MAX_MESSAGE_LENGTH,
  MessageType,
  MIN_LENGTH,
  OpenSubcode,
  OptionalParameter,
  UpdateSubcode,
} from './codes.js';
import type { BgpMessage, Capability, OpenMessage, UpdateMessage, WireContext } from './messages.js';
import { readPrefixes, writePrefix } from './prefix.js';

export type Frame =
  | { readonly kind: 'message'; readonly bytes: Uint8Array; readonly rest: Uint8Array }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly error: WireError };

const TYPE_NAMES: Readonly<Record<number, BgpMessage['type']>> = {
  [MessageType.OPEN]: 'open',
  [MessageType.UPDATE]: 'update',
  [MessageType.NOTIFICATION]: 'notification',
  [MessageType.KEEPALIVE]: 'keepalive',
  [MessageType.ROUTE_REFRESH]: 'route-refresh',
};

/**
 * The first message in `buf`, once all of it has arrived. Checks the header as RFC 4271 §6.1 says:
 * the marker, the length (within 19..4096 and the type's own bounds) and the type.
 */
export function nextFrame(buf: Uint8Array): Frame {
  if (buf.length < HEADER_LENGTH) return { kind: 'incomplete' };
  for (let i = 0; i < 16; i++)
    if (buf[i] !== 0xff)
      return {
        kind: 'error',
        error: new WireError(
          ErrorCode.MESSAGE_HEADER,
          HeaderSubcode.NOT_SYNCHRONIZED,
          'marker is not all ones',
        ),
      };
  const length = ((buf[16] ?? 0) << 8) | (buf[17] ?? 0);
  const type = buf[18] ?? 0;
  const badLength = () => ({
    kind: 'error' as const,
    error: new WireError(
      ErrorCode.MESSAGE_HEADER,
      HeaderSubcode.BAD_LENGTH,
      `length ${length} for message type ${type}`,
      buf.slice(16, 18),
    ),
  });
  if (length < HEADER_LENGTH || length > MAX_MESSAGE_LENGTH) return badLength();
  const min = MIN_LENGTH[type];
  if (min === undefined)
    return {
      kind: 'error',
      error: new WireError(
        ErrorCode.MESSAGE_HEADER,
        HeaderSubcode.BAD_TYPE,
        `message type ${type}`,
        buf.slice(18, 19),
      ),
    };
  if (length < min || (type === MessageType.KEEPALIVE && length !== HEADER_LENGTH)) return badLength();
  if (buf.length < length) return { kind: 'incomplete' };
  return { kind: 'message', bytes: buf.subarray(0, length), rest: buf.subarray(length) };
}

/** A decoded message; `withdrawReasons` non-empty: an UPDATE to treat as withdrawing its routes (RFC 7606). */
export type Decoded =
  | { readonly ok: true; readonly message: BgpMessage; readonly withdrawReasons: readonly string[] }
  | { readonly ok: false; readonly error: WireError };

/** Reads one whole message, as `nextFrame` cut it. Never throws. */
export function decodeMessage(frame: Uint8Array, ctx: WireContext): Decoded {
  try {
    const type = frame[18] ?? 0;
    const body = frame.subarray(HEADER_LENGTH);
    switch (TYPE_NAMES[type]) {
      case 'open':
        return { ok: true, message: readOpen(body), withdrawReasons: [] };
      case 'update':
        return readUpdate(body, ctx);
      case 'notification': {
        const r = new Reader(
          body,
          () => new WireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_LENGTH, 'short'),
        );
        return {
          ok: true,
          message: { type: 'notification', code: r.u8(), subcode: r.u8(), data: r.rest() },
          withdrawReasons: [],
        };
      }
      case 'keepalive':
        return { ok: true, message: { type: 'keepalive' }, withdrawReasons: [] };
      case 'route-refresh': {
        const r = new Reader(
          body,
          () => new WireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_LENGTH, 'short'),
        );
        const afi = r.u16();
        r.u8();
        return { ok: true, message: { type: 'route-refresh', afi, safi: r.u8() }, withdrawReasons: [] };
      }
      default:
        throw new WireError(
          ErrorCode.MESSAGE_HEADER,
          HeaderSubcode.BAD_TYPE,
          `message type ${type}`,
          Uint8Array.of(type),
        );
    }
  } catch (err) {
    if (err instanceof WireError) return { ok: false, error: err };
    throw err;
  }
}

const openError = (subcode: number, why: string, data?: Uint8Array) =>
  new WireError(ErrorCode.OPEN_MESSAGE, subcode, why, data);

function readCapabilities(value: Uint8Array): Capability[] {
  const r = new Reader(value, () =>
    openError(OpenSubcode.UNSPECIFIC, 'a capability runs past its parameter'),
  );
  const out: Capability[] = [];
  while (r.remaining > 0) {
    const code = r.u8();
    const v = r.bytes(r.u8());
    const c = new Reader(v, () =>
      openError(OpenSubcode.UNSPECIFIC, `capability ${code} of ${v.length} bytes`),
    );
    const exact = (n: number) => {
      if (v.length !== n) throw openError(OpenSubcode.UNSPECIFIC, `capability ${code} of ${v.length} bytes`);
    };
    switch (code) {
      case CapabilityCode.MULTIPROTOCOL: {
        exact(4);
        const afi = c.u16();
        c.u8();
        out.push({ kind: 'multiprotocol', afi, safi: c.u8() });
        break;
      }
      case CapabilityCode.ROUTE_REFRESH:
        exact(0);
        out.push({ kind: 'route-refresh' });
        break;
      case CapabilityCode.FOUR_OCTET_AS:
        exact(4);
        out.push({ kind: 'four-octet-as', asn: c.u32() });
        break;
      case CapabilityCode.GRACEFUL_RESTART: {
        if (v.length < 2 || (v.length - 2) % 4 !== 0)
          throw openError(OpenSubcode.UNSPECIFIC, `graceful restart capability of ${v.length} bytes`);
        const head = c.u16();
        const families: { afi: number; safi: number; forwardingPreserved: boolean }[] = [];
        while (c.remaining > 0)
          families.push({ afi: c.u16(), safi: c.u8(), forwardingPreserved: (c.u8() & 0x80) !== 0 });
        out.push({
          kind: 'graceful-restart',
          restarting: (head & 0x8000) !== 0,
          restartTimeS: head & 0x0fff,
          families,
        });
        break;
      }
      default:
        out.push({ kind: 'unknown', code, value: v });
    }
  }
  return out;
}

function readOpen(body: Uint8Array): OpenMessage {
  const r = new Reader(body, () => openError(OpenSubcode.UNSPECIFIC, 'OPEN shorter than its fields'));
  const version = r.u8();
  if (version !== BGP_VERSION)
    throw openError(OpenSubcode.UNSUPPORTED_VERSION, `BGP version ${version}`, Uint8Array.of(0, BGP_VERSION));
  const myAs = r.u16();
  const holdTimeS = r.u16();
  const bgpId = r.u32();
  const paramsLength = r.u8();
  if (paramsLength !== r.remaining)
    throw openError(OpenSubcode.UNSPECIFIC, `optional parameters of ${paramsLength} bytes in ${r.remaining}`);
  // RFC 4271 §6.2: 1 and 2 seconds are refused; 0 means no keepalives at all.
  if (holdTimeS === 1 || holdTimeS === 2)
    throw openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${holdTimeS} s`);
  if (bgpId === 0) throw openError(OpenSubcode.BAD_BGP_IDENTIFIER, 'BGP identifier 0.0.0.0');
  const capabilities: Capability[] = [];
  while (r.remaining > 0) {
    const type = r.u8();
    const value = r.bytes(r.u8());
    if (type !== OptionalParameter.CAPABILITIES)
      throw openError(OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER, `optional parameter ${type}`);
    capabilities.push(...readCapabilities(value));
  }
  return { type: 'open', version, myAs, holdTimeS, bgpId, capabilities };
}

function readUpdate(body: Uint8Array, ctx: WireContext): Decoded {
  const malformed = () =>
    new WireError(
      ErrorCode.UPDATE_MESSAGE,
      UpdateSubcode.MALFORMED_ATTRIBUTE_LIST,
      'UPDATE lengths exceed the message',
    );
  const r = new Reader(body, malformed);
  const withdrawn = readPrefixes('IPv4', r.bytes(r.u16()));
  const attrField = r.bytes(r.u16());
  const nlri = readPrefixes('IPv4', r.rest());
  const { attributes, withdrawReasons } = readAttributes(attrField, ctx, nlri.length > 0);
  const message: UpdateMessage = { type: 'update', withdrawn, attributes, nlri };
  return { ok: true, message, withdrawReasons };
}

// ---------------------------------------------------------------------------------------------
// Encoding

function writeCapability(w: Writer, c: Capability): void {
  const v = new Writer();
  let code: number;
  switch (c.kind) {
    case 'multiprotocol':
      code = CapabilityCode.MULTIPROTOCOL;
      v.u16(c.afi).u8(0).u8(c.safi);
      break;
    case 'route-refresh':
      code = CapabilityCode.ROUTE_REFRESH;
      break;
    case 'four-octet-as':
      code = CapabilityCode.FOUR_OCTET_AS;
      v.u32(c.asn);
      break;
    case 'graceful-restart':
      code = CapabilityCode.GRACEFUL_RESTART;
      v.u16((c.restarting ? 0x8000 : 0) | (c.restartTimeS & 0x0fff));
      for (const f of c.families)
        v.u16(f.afi)
          .u8(f.safi)
          .u8(f.forwardingPreserved ? 0x80 : 0);
      break;
    case 'unknown':
      code = c.code;
      v.bytes(c.value);
      break;
  }
  w.u8(code).u8(v.length).bytes(v.done());
}

function body(m: BgpMessage, ctx: WireContext): Writer {
  const w = new Writer();
  switch (m.type) {
    case 'open': {
      // One Capabilities parameter holding all of them, as FRR and BIRD send it.
      const caps = new Writer();
      for (const c of m.capabilities) writeCapability(caps, c);
      w.u8(m.version)
        .u16(m.myAs > 0xffff ? AS_TRANS : m.myAs)
        .u16(m.holdTimeS)
        .u32(m.bgpId);
      if (caps.length === 0) w.u8(0);
      else
        w.u8(caps.length + 2)
          .u8(OptionalParameter.CAPABILITIES)
          .u8(caps.length)
          .bytes(caps.done());
      return w;
    }
    case 'update': {
      const withdrawn = new Writer();
      for (const p of m.withdrawn) writePrefix(withdrawn, p);
      const attrs = new Writer();
      writeAttributes(attrs, m.attributes, ctx);
      w.u16(withdrawn.length).bytes(withdrawn.done()).u16(attrs.length).bytes(attrs.done());
      for (const p of m.nlri) writePrefix(w, p);
      return w;
    }
    case 'notification':
      return w.u8(m.code).u8(m.subcode).bytes(m.data);
    case 'keepalive':
      return w;
    case 'route-refresh':
      return w.u16(m.afi).u8(0).u8(m.safi);
  }
}

const TYPE_CODES: Readonly<Record<BgpMessage['type'], number>> = {
  open: MessageType.OPEN,
  update: MessageType.UPDATE,
  notification: MessageType.NOTIFICATION,
  keepalive: MessageType.KEEPALIVE,
  'route-refresh': MessageType.ROUTE_REFRESH,
};

/** A message's length on the wire, header included, whether or not it fits the limit. */
export function encodedLength(m: BgpMessage, ctx: WireContext): number {
  return HEADER_LENGTH + body(m, ctx).length;
}

/** One message with its header. Throws RangeError past 4,096 bytes: the caller packs UPDATEs smaller. */
export function encodeMessage(m: BgpMessage, ctx: WireContext): Uint8Array {
  const b = body(m, ctx).done();
  const length = HEADER_LENGTH + b.length;
  if (length > MAX_MESSAGE_LENGTH)
    throw new RangeError(`a ${m.type} of ${length} bytes exceeds ${MAX_MESSAGE_LENGTH}`);
  const w = new Writer();
  for (let i = 0; i < 16; i++) w.u8(0xff);
  return w.u16(length).u8(TYPE_CODES[m.type]).bytes(b).done();
}
