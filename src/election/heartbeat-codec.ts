import { crypto } from '../runtime/required-builtins.js';

/**
 * The speakers' datagrams, authenticated with HMAC-SHA256 under a key every speaker reads from the
 * same Secret. Every kind shares one header (big-endian):
 *
 *   "BLB2"       4   magic and version
 *   kind         1   see MessageKind
 *   len          1   sender name length, then the name (UTF-8, at most 253 bytes: a DNS name)
 *   incarnation  8   the sender's start time in ms (or one past a stale record of itself, see Membership)
 *   seq          8   per-incarnation counter; with incarnation it defeats replays
 *   body         …   per kind, below
 *   mac         32   HMAC-SHA256 over everything before it
 *
 * Liveness rides on `heartbeat`, whose size never depends on how many Services a node serves: the
 * node's facts go by digest, and the facts themselves travel in `facts` chunks, pushed when they change
 * and pulled by a peer that sees a digest it does not hold (issue 12, item 5). No datagram is ever
 * larger than MAX_DATAGRAM_BYTES, so none is fragmented and none fails with EMSGSIZE.
 */
const MAGIC = Buffer.from('BLB2');
const MAC_LEN = 32;
/** Fits a 1280-byte IPv6 minimum MTU after the IPv6 (40) and UDP (8) headers: never fragmented. */
export const MAX_DATAGRAM_BYTES = 1232;
/** Facts larger than this are refused at the sender (255 chunks); about 8,000 Local Services of 25 characters. */
export const MAX_FACTS_CHUNKS = 255;
/** At most this many accusations in one record, so a record always fits one datagram. */
export const MAX_ACCUSATIONS = 32;
const MAX_NAME = 253;

/** What only a node can observe about itself, published so every speaker ranks from the same facts. */
export interface NodeFacts {
  /** kube-proxy's /healthz answered 200 (true when the check is off). */
  readonly kubeProxyHealthy: boolean;
  /** Services (ns/name) whose healthCheckNodePort answered 200 on this node: it has a local endpoint. */
  readonly localEndpoints: readonly string[];
  /** Services whose nodePort refused a TCP connect here (only when that check is on). */
  readonly nodePortDown: readonly string[];
  /** The speaker is shutting down: hand its IPs over now. */
  readonly leaving: boolean;
  /**
   * The speaker has just started and announces nothing yet: keep its IPs until it says it is ready,
   * so a restart moves them back without a gap. Absent from older speakers' facts (= false).
   */
  readonly warmingUp?: boolean;
}

/** "I, the accuser, have not heard `target` since its message (incarnation, seq)." */
export interface Accusation {
  readonly target: bigint;
  readonly incarnation: bigint;
  readonly seq: bigint;
}

/**
 * A node's own state as everyone replicates it: last writer wins by (incarnation, seq) of the
 * origin's message that changed it. `origin` is nodeId(name).
 */
export interface NodeRecord {
  readonly origin: bigint;
  readonly incarnation: bigint;
  readonly seq: bigint;
  readonly factsDigest: bigint;
  readonly accusing: readonly Accusation[];
}

export type MessageBody =
  /** Constant-size liveness: the sender's load (0 = healthy) and digests of its facts and view. */
  | { kind: 'heartbeat'; health: number; factsDigest: bigint; viewDigest: bigint }
  /** The sender's own record, sent to every member when it changes. */
  | { kind: 'state'; record: NodeRecord }
  /** One chunk of the sender's facts (JSON, split on bytes). */
  | { kind: 'facts'; digest: bigint; index: number; count: number; chunk: Buffer }
  /** Asks the receiver for its facts, or for the records it holds. */
  | { kind: 'pull'; what: 'facts' | 'view' }
  /** Records the sender holds (any origin), as many as fit. */
  | { kind: 'view'; records: readonly NodeRecord[] };

export type Message = {
  readonly node: string;
  readonly incarnation: bigint;
  readonly seq: bigint;
} & MessageBody;
export type MessageKind = MessageBody['kind'];

const KINDS: readonly MessageKind[] = ['heartbeat', 'state', 'facts', 'pull', 'view'];

export type HeartbeatRejectReason =
  | 'truncated'
  | 'bad-magic'
  | 'bad-mac'
  | 'bad-body'
  | 'replayed'
  | 'future'
  | 'self';

export type MessageDecode = { ok: true; message: Message } | { ok: false; reason: HeartbeatRejectReason };

/** A 64-bit id of a node name, so records and accusations stay small whatever the name length. */
export function nodeId(name: string): bigint {
  return crypto.createHash('sha256').update(name).digest().readBigUInt64BE(0);
}

/** Canonical JSON of facts (sorted lists), so equal facts always give equal bytes and digests. */
export function factsBytes(f: NodeFacts): Buffer {
  const canonical = {
    kubeProxyHealthy: f.kubeProxyHealthy,
    localEndpoints: [...f.localEndpoints].sort(),
    nodePortDown: [...f.nodePortDown].sort(),
    leaving: f.leaving,
    // Only while true: a started speaker's facts stay byte for byte what older speakers send.
    ...(f.warmingUp === true ? { warmingUp: true } : {}),
  };
  return Buffer.from(JSON.stringify(canonical), 'utf8');
}

export function factsDigestOf(bytes: Uint8Array): bigint {
  return crypto.createHash('sha256').update(bytes).digest().readBigUInt64BE(0);
}

const RECORD_HEAD = 8 + 8 + 8 + 8 + 1;
const ACCUSATION_LEN = 24;

export function recordSize(r: NodeRecord): number {
  return RECORD_HEAD + ACCUSATION_LEN * r.accusing.length;
}

/** Bytes of a message before its body: the budget a body may use is MAX_DATAGRAM_BYTES minus this. */
export function overhead(node: string): number {
  return 4 + 1 + 1 + Buffer.byteLength(node, 'utf8') + 16 + MAC_LEN;
}

export type EncodeResult = { ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' | 'bad-name' };

export function encodeMessage(m: Message, key: Uint8Array): EncodeResult {
  const name = Buffer.from(m.node, 'utf8');
  if (name.length === 0 || name.length > MAX_NAME) return { ok: false, reason: 'bad-name' };
  const body = encodeBody(m);
  const size = overhead(m.node) + body.length;
  if (size > MAX_DATAGRAM_BYTES) return { ok: false, reason: 'too-large' };
  const head = Buffer.alloc(6 + name.length + 16);
  MAGIC.copy(head, 0);
  head.writeUInt8(KINDS.indexOf(m.kind), 4);
  head.writeUInt8(name.length, 5);
  name.copy(head, 6);
  head.writeBigUInt64BE(m.incarnation, 6 + name.length);
  head.writeBigUInt64BE(m.seq, 14 + name.length);
  const signed = Buffer.concat([head, body]);
  return {
    ok: true,
    bytes: Buffer.concat([signed, crypto.createHmac('sha256', key).update(signed).digest()]),
  };
}

function encodeBody(m: MessageBody): Buffer {
  switch (m.kind) {
    case 'heartbeat': {
      const b = Buffer.alloc(17);
      b.writeUInt8(Math.max(0, Math.min(255, m.health)), 0);
      b.writeBigUInt64BE(m.factsDigest, 1);
      b.writeBigUInt64BE(m.viewDigest, 9);
      return b;
    }
    case 'state':
      return writeRecords([m.record]);
    case 'facts': {
      const b = Buffer.alloc(10);
      b.writeBigUInt64BE(m.digest, 0);
      b.writeUInt8(m.index, 8);
      b.writeUInt8(m.count, 9);
      return Buffer.concat([b, m.chunk]);
    }
    case 'pull':
      return Buffer.from([m.what === 'facts' ? 1 : 2]);
    case 'view':
      return Buffer.concat([Buffer.from([m.records.length]), writeRecords(m.records)]);
  }
}

function writeRecords(records: readonly NodeRecord[]): Buffer {
  const b = Buffer.alloc(records.reduce((s, r) => s + recordSize(r), 0));
  let at = 0;
  for (const r of records) {
    at = b.writeBigUInt64BE(r.origin, at);
    at = b.writeBigUInt64BE(r.incarnation, at);
    at = b.writeBigUInt64BE(r.seq, at);
    at = b.writeBigUInt64BE(r.factsDigest, at);
    at = b.writeUInt8(Math.min(r.accusing.length, MAX_ACCUSATIONS), at);
    for (const a of r.accusing.slice(0, MAX_ACCUSATIONS)) {
      at = b.writeBigUInt64BE(a.target, at);
      at = b.writeBigUInt64BE(a.incarnation, at);
      at = b.writeBigUInt64BE(a.seq, at);
    }
  }
  return b;
}

/** Checks length, magic and MAC before reading anything else: unauthenticated bytes are never parsed. */
export function decodeMessage(buf: Uint8Array, key: Uint8Array): MessageDecode {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 6 + 1 + 16 + MAC_LEN) return { ok: false, reason: 'truncated' };
  if (!b.subarray(0, 4).equals(MAGIC)) return { ok: false, reason: 'bad-magic' };
  const signed = b.subarray(0, b.length - MAC_LEN);
  const want = crypto.createHmac('sha256', key).update(signed).digest();
  if (!crypto.timingSafeEqual(want, b.subarray(b.length - MAC_LEN))) return { ok: false, reason: 'bad-mac' };
  const kind = KINDS[signed.readUInt8(4)];
  const nameLen = signed.readUInt8(5);
  if (signed.length < 6 + nameLen + 16) return { ok: false, reason: 'truncated' };
  if (!kind || nameLen === 0) return { ok: false, reason: 'bad-body' };
  const node = signed.subarray(6, 6 + nameLen).toString('utf8');
  const incarnation = signed.readBigUInt64BE(6 + nameLen);
  const seq = signed.readBigUInt64BE(14 + nameLen);
  const body = decodeBody(kind, signed.subarray(22 + nameLen));
  if (!body) return { ok: false, reason: 'bad-body' };
  return { ok: true, message: { node, incarnation, seq, ...body } };
}

function decodeBody(kind: MessageKind, b: Buffer): MessageBody | undefined {
  switch (kind) {
    case 'heartbeat':
      if (b.length !== 17) return undefined;
      return {
        kind,
        health: b.readUInt8(0),
        factsDigest: b.readBigUInt64BE(1),
        viewDigest: b.readBigUInt64BE(9),
      };
    case 'state': {
      const rs = readRecords(b, 1);
      return rs?.[0] ? { kind, record: rs[0] } : undefined;
    }
    case 'facts': {
      if (b.length < 10) return undefined;
      const index = b.readUInt8(8);
      const count = b.readUInt8(9);
      if (count === 0 || index >= count) return undefined;
      return { kind, digest: b.readBigUInt64BE(0), index, count, chunk: Buffer.from(b.subarray(10)) };
    }
    case 'pull':
      if (b.length !== 1 || (b[0] !== 1 && b[0] !== 2)) return undefined;
      return { kind, what: b[0] === 1 ? 'facts' : 'view' };
    case 'view': {
      if (b.length < 1) return undefined;
      const records = readRecords(b.subarray(1), b.readUInt8(0));
      return records ? { kind, records } : undefined;
    }
  }
}

function readRecords(b: Buffer, count: number): NodeRecord[] | undefined {
  const out: NodeRecord[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (b.length < at + RECORD_HEAD) return undefined;
    const origin = b.readBigUInt64BE(at);
    const incarnation = b.readBigUInt64BE(at + 8);
    const seq = b.readBigUInt64BE(at + 16);
    const factsDigest = b.readBigUInt64BE(at + 24);
    const n = b.readUInt8(at + 32);
    at += RECORD_HEAD;
    if (n > MAX_ACCUSATIONS || b.length < at + n * ACCUSATION_LEN) return undefined;
    const accusing: Accusation[] = [];
    for (let j = 0; j < n; j++, at += ACCUSATION_LEN)
      accusing.push({
        target: b.readBigUInt64BE(at),
        incarnation: b.readBigUInt64BE(at + 8),
        seq: b.readBigUInt64BE(at + 16),
      });
    out.push({ origin, incarnation, seq, factsDigest, accusing });
  }
  return at === b.length ? out : undefined;
}

/** Splits facts into chunks that each fit one datagram from `node`; undefined when they are too large. */
export function chunkFacts(node: string, bytes: Buffer): Buffer[] | undefined {
  const room = MAX_DATAGRAM_BYTES - overhead(node) - 10;
  const count = Math.max(1, Math.ceil(bytes.length / room));
  if (count > MAX_FACTS_CHUNKS) return undefined;
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * room, (i + 1) * room));
}

/** Parses reassembled facts bytes, refusing anything that is not well-formed NodeFacts. */
export function parseFacts(bytes: Buffer): NodeFacts | undefined {
  try {
    const f = JSON.parse(bytes.toString('utf8')) as Partial<NodeFacts>;
    const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (typeof f.kubeProxyHealthy !== 'boolean' || typeof f.leaving !== 'boolean') return undefined;
    if (f.warmingUp !== undefined && typeof f.warmingUp !== 'boolean') return undefined;
    if (!strings(f.localEndpoints) || !strings(f.nodePortDown)) return undefined;
    return f as NodeFacts;
  } catch {
    return undefined;
  }
}

/** Packs records into as few `view` bodies as fit one datagram each (a record never spans two). */
export function packRecords(node: string, records: readonly NodeRecord[]): NodeRecord[][] {
  const room = MAX_DATAGRAM_BYTES - overhead(node) - 1;
  const out: NodeRecord[][] = [];
  let cur: NodeRecord[] = [];
  let used = 0;
  for (const r of records) {
    const size = recordSize({ ...r, accusing: r.accusing.slice(0, MAX_ACCUSATIONS) });
    if (cur.length > 0 && (used + size > room || cur.length === 255)) {
      out.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(r);
    used += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
