import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Speakers' heartbeat datagrams, authenticated with HMAC-SHA256 under a key every speaker reads from
 * the same Secret. Layout (big-endian):
 *
 *   "BLB1"  4 bytes   magic and version
 *   len     1 byte    node name length, then the name (UTF-8, at most 253 bytes: a DNS name)
 *   incarnation 8     the sender's start time in ms: a restart starts a new, larger incarnation
 *   seq     8         per-incarnation counter; with incarnation it defeats replays
 *   flen    4         facts length, then the facts (JSON, see NodeFacts)
 *   mac     32        HMAC-SHA256 over everything before it
 */
const MAGIC = Buffer.from('BLB1');
const MAC_LEN = 32;
export const MAX_HEARTBEAT_BYTES = 60_000;

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
}

export interface Heartbeat {
  readonly node: string;
  readonly incarnation: bigint;
  readonly seq: bigint;
  readonly facts: NodeFacts;
}

export type HeartbeatDecode =
  | { ok: true; heartbeat: Heartbeat }
  | { ok: false; reason: HeartbeatRejectReason };
export type HeartbeatRejectReason =
  | 'truncated'
  | 'bad-magic'
  | 'bad-mac'
  | 'bad-facts'
  | 'replayed'
  | 'future'
  | 'self';

export function encodeHeartbeat(hb: Heartbeat, key: Uint8Array): Buffer {
  const name = Buffer.from(hb.node, 'utf8');
  const facts = Buffer.from(JSON.stringify(hb.facts), 'utf8');
  const head = Buffer.alloc(4 + 1 + name.length + 16 + 4);
  MAGIC.copy(head, 0);
  head.writeUInt8(name.length, 4);
  name.copy(head, 5);
  head.writeBigUInt64BE(hb.incarnation, 5 + name.length);
  head.writeBigUInt64BE(hb.seq, 13 + name.length);
  head.writeUInt32BE(facts.length, 21 + name.length);
  const body = Buffer.concat([head, facts]);
  return Buffer.concat([body, createHmac('sha256', key).update(body).digest()]);
}

/** Checks length, magic and MAC before reading anything else: unauthenticated bytes are never parsed. */
export function decodeHeartbeat(buf: Uint8Array, key: Uint8Array): HeartbeatDecode {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 4 + 1 + 16 + 4 + MAC_LEN) return { ok: false, reason: 'truncated' };
  if (!b.subarray(0, 4).equals(MAGIC)) return { ok: false, reason: 'bad-magic' };
  const body = b.subarray(0, b.length - MAC_LEN);
  const want = createHmac('sha256', key).update(body).digest();
  if (!timingSafeEqual(want, b.subarray(b.length - MAC_LEN))) return { ok: false, reason: 'bad-mac' };
  const nameLen = b.readUInt8(4);
  if (body.length < 5 + nameLen + 20) return { ok: false, reason: 'truncated' };
  const node = body.subarray(5, 5 + nameLen).toString('utf8');
  const incarnation = body.readBigUInt64BE(5 + nameLen);
  const seq = body.readBigUInt64BE(13 + nameLen);
  const flen = body.readUInt32BE(21 + nameLen);
  if (body.length !== 25 + nameLen + flen) return { ok: false, reason: 'truncated' };
  const facts = parseFacts(body.subarray(25 + nameLen).toString('utf8'));
  if (!facts) return { ok: false, reason: 'bad-facts' };
  return { ok: true, heartbeat: { node, incarnation, seq, facts } };
}

function parseFacts(text: string): NodeFacts | undefined {
  try {
    const f = JSON.parse(text) as Partial<NodeFacts>;
    const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (typeof f.kubeProxyHealthy !== 'boolean' || typeof f.leaving !== 'boolean') return undefined;
    if (!strings(f.localEndpoints) || !strings(f.nodePortDown)) return undefined;
    return f as NodeFacts;
  } catch {
    return undefined;
  }
}
