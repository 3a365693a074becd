import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeHeartbeat, encodeHeartbeat, type Heartbeat, type NodeFacts } from './heartbeat-codec.js';
import { Membership } from './membership.js';

const facts: NodeFacts = {
  kubeProxyHealthy: true,
  localEndpoints: ['default/demo'],
  nodePortDown: [],
  leaving: false,
};
const key = randomBytes(32);
const flip = (b: Buffer, i: number) => {
  const at = i < 0 ? b.length + i : i;
  b[at] = (b[at] ?? 0) ^ 1;
  return b;
};
const hb = (node: string, incarnation: number, seq: number, f: NodeFacts = facts): Heartbeat => ({
  node,
  incarnation: BigInt(incarnation),
  seq: BigInt(seq),
  facts: f,
});

describe('heartbeat codec', () => {
  it('round-trips', () => {
    const d = decodeHeartbeat(encodeHeartbeat(hb('n1', 1000, 7), key), key);
    expect(d).toEqual({ ok: true, heartbeat: hb('n1', 1000, 7) });
  });

  it.each([
    { name: 'wrong key', mutate: (b: Buffer) => b, key: randomBytes(32), reason: 'bad-mac' },
    {
      name: 'flipped facts bit',
      mutate: (b: Buffer) => flip(b, 30),
      key,
      reason: 'bad-mac',
    },
    {
      name: 'flipped mac bit',
      mutate: (b: Buffer) => flip(b, -1),
      key,
      reason: 'bad-mac',
    },
    { name: 'truncated', mutate: (b: Buffer) => b.subarray(0, 20), key, reason: 'truncated' },
    {
      name: 'not ours',
      mutate: (b: Buffer) => Buffer.concat([Buffer.from('XXXX'), b.subarray(4)]),
      key,
      reason: 'bad-magic',
    },
    { name: 'empty', mutate: () => Buffer.alloc(0), key, reason: 'truncated' },
  ])('refuses $name', ({ mutate, key: k, reason }) => {
    const d = decodeHeartbeat(mutate(encodeHeartbeat(hb('n1', 1000, 7), key)), k);
    expect(d).toEqual({ ok: false, reason });
  });

  it('refuses well-signed but malformed facts', () => {
    const bad = encodeHeartbeat({ ...hb('n1', 1, 1), facts: { nope: 1 } as unknown as NodeFacts }, key);
    expect(decodeHeartbeat(bad, key)).toEqual({ ok: false, reason: 'bad-facts' });
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 20_000; i++) {
      const d = decodeHeartbeat(randomBytes(i % 200), key);
      expect(d.ok).toBe(false);
    }
  });
});

describe('Membership', () => {
  it.each([
    { name: 'first heartbeat', seq: [[100, 1]], want: [undefined] },
    {
      name: 'newer seq',
      seq: [
        [100, 1],
        [100, 2],
      ],
      want: [undefined, undefined],
    },
    {
      name: 'replayed seq',
      seq: [
        [100, 2],
        [100, 2],
      ],
      want: [undefined, 'replayed'],
    },
    {
      name: 'older seq',
      seq: [
        [100, 5],
        [100, 4],
      ],
      want: [undefined, 'replayed'],
    },
    {
      name: 'restart: new incarnation, seq from 1',
      seq: [
        [100, 50],
        [200, 1],
      ],
      want: [undefined, undefined],
    },
    {
      name: 'old incarnation replayed',
      seq: [
        [200, 1],
        [100, 99],
      ],
      want: [undefined, 'replayed'],
    },
    { name: 'far-future incarnation', seq: [[10 ** 12, 1]], want: ['future'] },
  ])('$name', ({ seq, want }) => {
    const m = new Membership('self');
    expect(seq.map(([inc = 0, s = 0]) => m.receive(hb('n1', inc, s), 1000))).toEqual(want);
  });

  it('ignores its own heartbeats', () => {
    expect(new Membership('n1').receive(hb('n1', 1, 1), 10)).toBe('self');
  });

  it('a peer is alive until deadAfter passes without a heartbeat', () => {
    const m = new Membership('self', { deadAfterMs: 600, maxClockSkewMs: 1000 });
    m.receive(hb('n1', 1, 1), 1000);
    expect(m.isAlive('n1', 1599)).toBe(true);
    expect(m.isAlive('n1', 1600)).toBe(false);
    expect(m.nextExpiry(1000)).toBe(1600);
    expect(m.isAlive('self', 99999)).toBe(true);
    expect(m.alivePeers(1100)).toEqual(['n1']);
  });
});
