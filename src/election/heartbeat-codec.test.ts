import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  chunkFacts,
  decodeMessage,
  encodeMessage,
  factsBytes,
  MAX_ACCUSATIONS,
  MAX_DATAGRAM_BYTES,
  type Message,
  type NodeFacts,
  type NodeRecord,
  nodeId,
  packRecords,
  parseFacts,
} from './heartbeat-codec.js';

const key = randomBytes(32);
const head = { node: 'n1', incarnation: 1000n, seq: 7n };
const record = (accusations: number, origin = nodeId('n1')): NodeRecord => ({
  origin,
  incarnation: 1000n,
  seq: 5n,
  factsDigest: 42n,
  accusing: Array.from({ length: accusations }, (_, i) => ({
    target: nodeId(`n${i + 2}`),
    incarnation: 900n,
    seq: BigInt(i),
  })),
});
const facts = (localServices: number): NodeFacts => ({
  kubeProxyHealthy: true,
  localEndpoints: Array.from({ length: localServices }, (_, i) => `namespace-${i}/service-${i}`),
  nodePortDown: [],
  leaving: false,
});
const flip = (b: Buffer, i: number) => {
  const at = i < 0 ? b.length + i : i;
  b[at] = (b[at] ?? 0) ^ 1;
  return b;
};
const enc = (m: Message) => {
  const e = encodeMessage(m, key);
  if (!e.ok) throw new Error(e.reason);
  return e.bytes;
};
const heartbeat: Message = { ...head, kind: 'heartbeat', health: 2, factsDigest: 11n, viewDigest: 12n };

describe('message codec', () => {
  it.each<{ name: string; m: Message }>([
    { name: 'heartbeat', m: heartbeat },
    { name: 'state', m: { ...head, kind: 'state', record: record(3) } },
    {
      name: 'facts chunk',
      m: { ...head, kind: 'facts', digest: 9n, index: 1, count: 3, chunk: Buffer.from('{"a"') },
    },
    { name: 'pull facts', m: { ...head, kind: 'pull', what: 'facts' } },
    { name: 'pull view', m: { ...head, kind: 'pull', what: 'view' } },
    { name: 'view', m: { ...head, kind: 'view', records: [record(0), record(2, nodeId('n2'))] } },
  ])('round-trips a $name', ({ m }) => {
    expect(decodeMessage(enc(m), key)).toEqual({ ok: true, message: m });
  });

  it.each([
    { name: 'wrong key', mutate: (b: Buffer) => b, k: randomBytes(32), reason: 'bad-mac' },
    { name: 'flipped body bit', mutate: (b: Buffer) => flip(b, 30), k: key, reason: 'bad-mac' },
    { name: 'flipped mac bit', mutate: (b: Buffer) => flip(b, -1), k: key, reason: 'bad-mac' },
    { name: 'truncated', mutate: (b: Buffer) => b.subarray(0, 20), k: key, reason: 'truncated' },
    {
      name: 'not ours',
      mutate: (b: Buffer) => Buffer.concat([Buffer.from('XXXX'), b.subarray(4)]),
      k: key,
      reason: 'bad-magic',
    },
    { name: 'empty', mutate: () => Buffer.alloc(0), k: key, reason: 'truncated' },
  ])('refuses $name', ({ mutate, k, reason }) => {
    expect(decodeMessage(mutate(enc(heartbeat)), k)).toEqual({ ok: false, reason });
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 20_000; i++) expect(decodeMessage(randomBytes(i % 200), key).ok).toBe(false);
  });

  // Issue 12, item 5: liveness must not depend on how many Services a node serves.
  it.each([0, 10, 1_000, 8_000])('a heartbeat is the same size with %i Local Services', (n) => {
    const digest = BigInt(`0x${factsBytes(facts(n)).length.toString(16)}`);
    const bytes = enc({ ...heartbeat, factsDigest: digest });
    expect(bytes.length).toBe(enc(heartbeat).length);
    expect(bytes.length).toBeLessThan(100);
  });

  it.each([
    { services: 0, chunks: 1 },
    { services: 10, chunks: 1 },
    { services: 1_000, chunks: 24 },
    { services: 8_000, chunks: 204 },
    { services: 12_000, chunks: 311 },
  ])(
    'facts of $services Local Services: $chunks chunks, none over the datagram limit',
    ({ services, chunks }) => {
      const bytes = factsBytes(facts(services));
      const parts = chunkFacts('n1', bytes);
      if (chunks > 255) {
        expect(parts).toBeUndefined();
        return;
      }
      expect(parts).toHaveLength(chunks);
      for (const [index, chunk] of (parts ?? []).entries()) {
        const b = enc({ ...head, kind: 'facts', digest: 1n, index, count: chunks, chunk });
        expect(b.length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
      }
      expect(Buffer.concat(parts ?? [])).toEqual(bytes);
      expect(new Set(parseFacts(bytes)?.localEndpoints)).toEqual(new Set(facts(services).localEndpoints));
    },
  );

  const plain = { kubeProxyHealthy: true, localEndpoints: [], nodePortDown: [], leaving: false };
  it.each<{ name: string; bytes: string; want: unknown }>([
    { name: 'facts of an older speaker (no warmingUp)', bytes: JSON.stringify(plain), want: plain },
    {
      name: 'a speaker warming up',
      bytes: factsBytes({ ...plain, warmingUp: true }).toString(),
      want: { ...plain, warmingUp: true },
    },
    {
      name: 'a warmingUp that is not a boolean',
      bytes: JSON.stringify({ ...plain, warmingUp: 1 }),
      want: undefined,
    },
  ])('parses $name', ({ bytes, want }) => {
    expect(parseFacts(Buffer.from(bytes))).toEqual(want);
  });

  it('a warmed-up speaker sends the same bytes as an older one', () => {
    expect(factsBytes({ ...plain, warmingUp: false })).toEqual(factsBytes(plain));
  });

  it('refuses to encode anything over the datagram limit', () => {
    const chunk = Buffer.alloc(MAX_DATAGRAM_BYTES);
    expect(encodeMessage({ ...head, kind: 'facts', digest: 1n, index: 0, count: 1, chunk }, key)).toEqual({
      ok: false,
      reason: 'too-large',
    });
    expect(encodeMessage({ ...heartbeat, node: 'x'.repeat(254) }, key)).toEqual({
      ok: false,
      reason: 'bad-name',
    });
  });

  it('a record with the most accusations fits one datagram from the longest name', () => {
    const m: Message = { ...head, node: 'n'.repeat(253), kind: 'state', record: record(MAX_ACCUSATIONS) };
    expect(enc(m).length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
  });

  it('packs 1,000 records into datagrams under the limit, none split', () => {
    const records = Array.from({ length: 1_000 }, (_, i) => record(i % 3, nodeId(`n${i}`)));
    const packs = packRecords('n1', records);
    expect(packs.flat()).toEqual(records);
    for (const p of packs)
      expect(enc({ ...head, kind: 'view', records: p }).length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
    expect(packs.length).toBeLessThanOrEqual(50);
  });

  it.each([
    { name: 'not JSON', text: '{', ok: false },
    { name: 'missing lists', text: '{"kubeProxyHealthy":true,"leaving":false}', ok: false },
    { name: 'well-formed', text: factsBytes(facts(2)).toString(), ok: true },
  ])('parseFacts: $name', ({ text, ok }) => {
    expect(parseFacts(Buffer.from(text)) !== undefined).toBe(ok);
  });

  it('canonical facts: the same facts in another order give the same bytes', () => {
    const a = facts(3);
    const b = { ...a, localEndpoints: [...a.localEndpoints].reverse() };
    expect(factsBytes(b)).toEqual(factsBytes(a));
  });
});
