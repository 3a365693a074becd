/**
 * A hostile or broken peer (issue 17): a TCP server on loopback that opens a proper session with
 * BareLB's BgpSession, then sends one malformed message. The session must answer with the
 * NOTIFICATION RFC 4271 (and RFC 6608, RFC 7606) names for it, close the connection, send nothing
 * after, and try again later as usual. The bytes are read raw here, not through our own decoder.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BgpSession } from '../src/bgp/session/bgp-session.js';
import { encodeMessage } from '../src/bgp/wire/codec.js';

const ctx = { fourOctetAs: true };
const MARKER = new Uint8Array(16).fill(0xff);
const ROUTER_ASN = 64513;

/** A raw BGP message: marker, the given length (default: the real one), type, body. */
function raw(type: number, body: readonly number[], length = 19 + body.length, marker = MARKER): Uint8Array {
  return Uint8Array.from([...marker, length >> 8, length & 0xff, type, ...body]);
}

const CASES = [
  {
    name: 'a marker that is not all ones',
    bytes: raw(4, [], 19, new Uint8Array(16)),
    want: { code: 1, subcode: 1 },
  },
  { name: 'a length below the header', bytes: raw(4, [], 18), want: { code: 1, subcode: 2, data: [0, 18] } },
  { name: 'a KEEPALIVE with a body', bytes: raw(4, [0]), want: { code: 1, subcode: 2, data: [0, 20] } },
  { name: 'an unknown message type', bytes: raw(9, []), want: { code: 1, subcode: 3, data: [9] } },
  {
    name: 'an UPDATE whose attributes run past its end',
    // Withdrawn routes length 0, total path attribute length 200, then 4 bytes of attributes.
    bytes: raw(2, [0, 0, 0, 200, 0x40, 1, 1, 0]),
    want: { code: 3, subcode: 1 },
  },
  {
    name: 'an OPEN once Established',
    bytes: encodeMessage(
      { type: 'open', version: 4, myAs: ROUTER_ASN, holdTimeS: 9, bgpId: 0xc61200f0, capabilities: [] },
      ctx,
    ),
    // RFC 6608: Receive Unexpected Message in Established State.
    want: { code: 5, subcode: 3 },
  },
];

interface Seen {
  /** Every message the session sent on the first connection, as [type, first body bytes]. */
  readonly messages: { type: number; body: Uint8Array }[];
  closed: boolean;
  connections: number;
}

/** Reads whole messages from a byte stream, raw. */
function frames(onMessage: (type: number, body: Uint8Array) => void) {
  let buf = new Uint8Array(0);
  return (chunk: Buffer) => {
    const merged = new Uint8Array(buf.length + chunk.length);
    merged.set(buf);
    merged.set(chunk, buf.length);
    buf = merged;
    while (buf.length >= 19) {
      const len = ((buf[16] ?? 0) << 8) | (buf[17] ?? 0);
      if (buf.length < len) break;
      onMessage(buf[18] ?? 0, buf.slice(19, len));
      buf = buf.slice(len);
    }
  };
}

describe('BgpSession against a hostile peer', () => {
  let server: Server | undefined;
  let session: BgpSession | undefined;
  afterEach(async () => {
    await session?.stop();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it.each(CASES)(
    '$name: NOTIFICATION $want.code/$want.subcode, then close, nothing else',
    async ({ bytes, want }) => {
      const seen: Seen = { messages: [], closed: false, connections: 0 };
      let reconnected: () => void = () => {};
      const again = new Promise<void>((r) => {
        reconnected = r;
      });
      server = createServer((socket: Socket) => {
        seen.connections++;
        if (seen.connections > 1) {
          reconnected();
          socket.destroy();
          return;
        }
        socket.on(
          'data',
          frames((type, body) => {
            seen.messages.push({ type, body });
            if (type === 1) {
              // Our OPEN arrived: answer with a proper one and a KEEPALIVE, so the session is Established,
              // then the hostile message once our KEEPALIVE confirms it.
              socket.write(
                encodeMessage(
                  {
                    type: 'open',
                    version: 4,
                    myAs: ROUTER_ASN,
                    holdTimeS: 9,
                    bgpId: 0xc61200f0,
                    capabilities: [{ kind: 'four-octet-as', asn: ROUTER_ASN }],
                  },
                  ctx,
                ),
              );
              socket.write(encodeMessage({ type: 'keepalive' }, ctx));
            }
            if (type === 4 && seen.messages.filter((m) => m.type === 4).length === 1) socket.write(bytes);
          }),
        );
        socket.on('close', () => {
          seen.closed = true;
        });
      });
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      let established = false;
      session = new BgpSession(
        {
          local: {
            myAsn: 64512,
            peerAsn: ROUTER_ASN,
            holdTimeS: 9,
            bgpId: 0xc612000b,
            families: ['IPv4'],
            gracefulRestartS: 0,
          },
          peerAddress: '127.0.0.1',
          peerPort: port,
          log: pino({ level: 'silent' }),
        },
        { onEstablished: () => (established = true) },
      );
      session.start();
      // The session tries again after its backoff (1 s): by then the first connection is over.
      await Promise.race([
        again,
        new Promise((_, no) => setTimeout(() => no(new Error('no reconnect in 10 s')), 10_000)),
      ]);

      expect(established).toBe(true);
      expect(seen.closed).toBe(true);
      const types = seen.messages.map((m) => m.type);
      // OPEN, KEEPALIVE, then End-of-RIB (an UPDATE, sent on Established), then the NOTIFICATION, last.
      expect(types.at(-1)).toBe(3);
      expect(types.filter((t) => t === 3)).toHaveLength(1);
      const notification = seen.messages.at(-1)?.body ?? new Uint8Array();
      expect({ code: notification[0], subcode: notification[1] }).toEqual({
        code: want.code,
        subcode: want.subcode,
      });
      if (want.data) expect([...notification.slice(2)]).toEqual(want.data);
      expect(session.phase).not.toBe('established');
    },
    20_000,
  );
});
