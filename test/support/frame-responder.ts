// A tiny ARP responder on a real FrameConnection, run by test/frame-socket.test.ts inside a network
// namespace: `node --import tsx frame-responder.ts <ifname> <ipv4>`. It answers "who has <ipv4>" with a
// hand-built reply (the real codecs are tested elsewhere), counts what the socket delivers, and obeys
// line commands on stdin: `join <mac>`, `leave <mac>`, `stats`, `close`. It reports JSON lines on
// stdout and exits when stdin ends, so it never outlives the test.
import { createInterface } from 'node:readline';
import { openFrameConnection } from '../../src/layer2/frame-socket.js';
import { listLinks } from '../../src/layer2/link-info.js';

const [ifname = '', answerFor = ''] = process.argv.slice(2);
const out = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const macBytes = (s: string): Uint8Array => Uint8Array.from(s.split(':'), (h) => Number.parseInt(h, 16));

const ip = Uint8Array.from(answerFor.split('.'), Number);
const link = listLinks().find((l) => l.name === ifname);
const ourMac = link?.mac ?? new Uint8Array(6);

const stats = { arpRequests: 0, arpForUs: 0, arpOther: 0, ns: 0, na: 0, other: 0, fromUs: 0, replies: 0 };

function arpReply(req: Uint8Array): Uint8Array {
  const senderMac = req.subarray(22, 28);
  const senderIp = req.subarray(28, 32);
  const f = new Uint8Array(60); // padded to the Ethernet minimum
  f.set(senderMac, 0);
  f.set(ourMac, 6);
  f.set([0x08, 0x06], 12);
  f.set([0, 1, 0x08, 0x00, 6, 4, 0, 2], 14); // Ethernet, IPv4, hlen 6, plen 4, op reply
  f.set(ourMac, 22);
  f.set(ip, 28);
  f.set(senderMac, 32);
  f.set(senderIp, 38);
  return f;
}

let conn: ReturnType<typeof openFrameConnection>;
try {
  conn = openFrameConnection(ifname, { onError: (err) => out({ event: 'error', code: err.code }) });
} catch (err) {
  out({ event: 'open-failed', name: (err as Error).name, code: (err as { code?: unknown }).code });
  process.exit(1);
}

conn.onFrame((f) => {
  if (hex(f.subarray(6, 12)) === hex(ourMac)) stats.fromUs++;
  const type = ((f[12] ?? 0) << 8) | (f[13] ?? 0);
  if (type === 0x0806 && f.length >= 42) {
    const op = ((f[20] ?? 0) << 8) | (f[21] ?? 0);
    if (op !== 1) {
      stats.arpOther++;
      return;
    }
    stats.arpRequests++;
    if (hex(f.subarray(38, 42)) === hex(ip)) {
      stats.arpForUs++;
      conn.send(arpReply(f));
      stats.replies++;
    }
  } else if (type === 0x86dd && f[20] === 58 && f[54] === 135) stats.ns++;
  else if (type === 0x86dd && f[20] === 58 && f[54] === 136) stats.na++;
  else stats.other++;
});

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg = ''] = line.trim().split(/\s+/);
  try {
    if (cmd === 'join') conn.joinMulticast(macBytes(arg));
    else if (cmd === 'leave') conn.leaveMulticast(macBytes(arg));
    else if (cmd === 'close') conn.close();
    out({ event: 'ok', cmd, stats });
  } catch (err) {
    out({ event: 'failed', cmd, name: (err as Error).name, code: (err as { code?: unknown }).code });
  }
});
rl.on('close', () => {
  conn.close();
});

out({
  event: 'ready',
  mac: hex(ourMac),
  up: link?.up,
  ethernet: link?.ethernet,
  index: link?.index,
});
