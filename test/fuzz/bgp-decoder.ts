/**
 * npm run fuzz:bgp — feeds the BGP decoder (src/bgp/wire) FUZZ_COUNT (default 1,000,000) random
 * messages and as many mutants of valid ones (bytes changed, cut, inserted, length fields bent, two
 * messages spliced), through the stream framer as a session reads them, for both AS-number widths.
 * Exits non-zero if anything throws: a malformed or hostile message must only ever become the
 * NOTIFICATION the decoder names (issue 17). Prints how the inputs were classified, and the seed
 * (FUZZ_SEED) to replay a run.
 */

import { decodeMessage, encodeMessage, nextFrame } from '../../src/bgp/wire/codec.js';
import type { WireContext } from '../../src/bgp/wire/messages.js';
import { SAMPLE_MESSAGES } from '../../src/bgp/wire/samples.test-support.js';
import { mulberry32 } from '../../src/election/seeded-random.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 1_000_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

// Seeded, so a failing input can be replayed from the seed.
const rand = mulberry32(SEED);
const int = (n: number) => Math.floor(rand() * n);
const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));

const AS4: WireContext = { fourOctetAs: true };
const corpus = SAMPLE_MESSAGES.map((m) => encodeMessage(m, AS4));

/** One valid message bent in one to three ways. */
function mutant(): Uint8Array {
  let b = Array.from(corpus[int(corpus.length)] ?? []);
  for (let k = 1 + int(3); k > 0; k--) {
    switch (int(6)) {
      case 0: // change bytes (mostly in the body)
        for (let i = 1 + int(4); i > 0; i--) b[int(b.length)] = int(256);
        break;
      case 1: // cut, keeping or fixing the header's length
        b = b.slice(0, int(b.length + 1));
        if (rand() < 0.5 && b.length >= 18) [b[16], b[17]] = [b.length >> 8, b.length & 255];
        break;
      case 2: // insert random bytes
        b.splice(int(b.length + 1), 0, ...bytes(1 + int(16)));
        if (rand() < 0.5 && b.length >= 18) [b[16], b[17]] = [b.length >> 8, b.length & 255];
        break;
      case 3: {
        // bend a 1- or 2-byte length-looking field after the header
        const at = 19 + int(Math.max(1, b.length - 19));
        b[at] = [0, 1, 255, int(256)][int(4)] ?? 0;
        break;
      }
      case 4: // splice another message on
        b = [...b, ...(corpus[int(corpus.length)] ?? [])];
        break;
      default: // the type byte
        if (b.length > 18) b[18] = int(8);
    }
  }
  return Uint8Array.from(b);
}

/** A random body behind a header that is valid but for what the body says. */
function random(): Uint8Array {
  const body = bytes(int(120));
  const len = 19 + body.length;
  return Uint8Array.from([...Array(16).fill(0xff), len >> 8, len & 255, 1 + int(5), ...body]);
}

const outcomes = new Map<string, number>();
const count = (k: string): void => {
  outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
};

/** Reads a stream as a session does: frame after frame until one fails or the bytes run out. */
function feed(stream: Uint8Array, ctx: WireContext): void {
  let buf = stream;
  for (;;) {
    const f = nextFrame(buf);
    if (f.kind === 'incomplete') {
      count('incomplete');
      return;
    }
    const d = f.kind === 'error' ? { ok: false as const, error: f.error } : decodeMessage(f.bytes, ctx);
    if (!d.ok) {
      count(`notification ${d.error.code}/${d.error.subcode}`);
      return;
    }
    count(d.withdrawReasons.length > 0 ? `${d.message.type} treat-as-withdraw` : d.message.type);
    if (f.kind !== 'message') return;
    buf = f.rest;
    if (buf.length === 0) return;
  }
}

const started = performance.now();
let failures = 0;
for (const [kind, make] of [
  ['random', random],
  ['mutated', mutant],
] as const) {
  for (let i = 0; i < COUNT; i++) {
    const input = make();
    const ctx = { fourOctetAs: rand() < 0.7 };
    try {
      feed(input, ctx);
    } catch (err) {
      failures++;
      if (failures <= 10)
        console.error(`${kind} input ${i} threw: ${String(err)}\n  ${Buffer.from(input).toString('hex')}`);
    }
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `seed ${SEED}: ${COUNT} random and ${COUNT} mutated inputs in ${seconds.toFixed(1)} s, ${failures} threw`,
);
for (const [k, n] of [...outcomes].sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(n).padStart(9)}  ${k}`);
if (failures > 0) process.exitCode = 1;
