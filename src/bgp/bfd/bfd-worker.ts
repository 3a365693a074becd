/**
 * The BFD sessions' I/O, in a worker thread (issue 17). Its own isolate and heap: a garbage collection
 * of the speaker's main thread, which holds every watched object, cannot delay a transmit here, and a
 * 300 ms detection time leaves no room for one. The decisions are bfd-session-state.ts's.
 *
 * RFC 5881: control packets go to port 3784 from a source port in 49152-65535 with TTL 255, and are
 * received on 3784. Node cannot read a received packet's TTL, so the GTSM check (TTL 255 received) is
 * not made; a packet is accepted only from the session's peer address and with its discriminators.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { BfdDiag, decodeBfd, encodeBfd } from './bfd-packet.js';
import {
  type BfdSession,
  detectionTimeUs,
  expire,
  jitteredMs,
  maySend,
  newBfdSession,
  packetFor,
  receive,
  txIntervalUs,
} from './bfd-session-state.js';
import type { BfdSessionSpec, BfdSetMessage, BfdWorkerMessage } from './bfd-wire-types.js';

const CONTROL_PORT = 3784;

interface Running {
  spec: BfdSessionSpec;
  state: BfdSession;
  readonly socket: Socket;
  tx: NodeJS.Timeout | undefined;
  detect: NodeJS.Timeout | undefined;
}

const post = (m: BfdWorkerMessage) => parentPort?.postMessage(m);
const now = () => performance.now();
const running = new Map<string, Running>();
/** Sessions whose socket is still binding. */
const starting = new Set<string>();
const listeners = new Map<4 | 6, Socket>();

function listen(family: 4 | 6): void {
  if (listeners.has(family)) return;
  const s = createSocket({ type: family === 4 ? 'udp4' : 'udp6', reuseAddr: true });
  s.on('message', (msg, rinfo) => onPacket(msg, rinfo.address));
  s.on('error', (err) =>
    post({ type: 'error', key: undefined, message: `listening on ${CONTROL_PORT}: ${err.message}` }),
  );
  s.bind(CONTROL_PORT);
  listeners.set(family, s);
}

function onPacket(msg: Buffer, from: string): void {
  const d = decodeBfd(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
  if (!d.ok) return;
  for (const r of running.values()) {
    if (r.spec.peer !== from) continue;
    if (d.packet.yourDiscr !== 0 && d.packet.yourDiscr !== r.state.localDiscr) continue;
    const before = r.state.state;
    const interval = txIntervalUs(r.state, r.spec.config);
    const res = receive(r.state, d.packet, now());
    r.state = res.session;
    if (res.sendFinal) send(r, true);
    armDetect(r);
    if (r.state.state !== before) {
      postState(r);
      // Tell the peer at once (the handshake takes one exchange, not one interval), at the new rate.
      if (r.tx) clearTimeout(r.tx);
      send(r);
      scheduleTx(r);
    } else if (r.tx === undefined || txIntervalUs(r.state, r.spec.config) !== interval) {
      // A new rate (the peer, Up, lowered its RequiredMinRx from a second) applies now, not after
      // the packet already planned at the old one: that one could come after the peer's detection time.
      if (r.tx) clearTimeout(r.tx);
      scheduleTx(r);
    }
  }
}

function postState(r: Running): void {
  post({
    type: 'state',
    key: r.spec.key,
    state: r.state.state,
    diag: r.state.diag,
    remoteState: r.state.remoteState,
  });
}

function send(r: Running, final = false): void {
  if (!maySend(r.state, r.spec.config) && !final) return;
  r.socket.send(encodeBfd(packetFor(r.state, r.spec.config, final)), CONTROL_PORT, r.spec.peer);
}

function scheduleTx(r: Running): void {
  const interval = txIntervalUs(r.state, r.spec.config);
  if (interval === 0) {
    r.tx = undefined;
    return;
  }
  r.tx = setTimeout(
    () => {
      send(r);
      scheduleTx(r);
    },
    jitteredMs(interval, r.spec.config.detectMult, Math.random()),
  );
}

function armDetect(r: Running): void {
  if (r.detect) clearTimeout(r.detect);
  const t = detectionTimeUs(r.state, r.spec.config);
  if (t === undefined) return;
  r.detect = setTimeout(
    () => {
      const before = r.state.state;
      r.state = expire(r.state, r.spec.config, now());
      if (r.state.state !== before) postState(r);
    },
    t / 1_000 + 1,
  );
}

function start(spec: BfdSessionSpec): void {
  starting.add(spec.key);
  const family = isIP(spec.peer) === 6 ? 6 : 4;
  listen(family);
  const socket = createSocket({ type: family === 4 ? 'udp4' : 'udp6' });
  socket.on('error', (err) => post({ type: 'error', key: spec.key, message: err.message }));
  // A source port from the range RFC 5881 §4 requires; the kernel picks a free one if this is taken.
  const port = 49_152 + Math.floor(Math.random() * 16_384);
  socket.bind({ address: spec.local, port }, () => {
    starting.delete(spec.key);
    socket.setTTL(255);
    const r: Running = {
      spec,
      state: newBfdSession(1 + Math.floor(Math.random() * 0xfffffffe)),
      socket,
      tx: undefined,
      detect: undefined,
    };
    running.set(spec.key, r);
    postState(r);
    send(r);
    scheduleTx(r);
  });
}

function stop(key: string): void {
  const r = running.get(key);
  if (!r) return;
  running.delete(key);
  if (r.tx) clearTimeout(r.tx);
  if (r.detect) clearTimeout(r.detect);
  // AdminDown tells the peer this is deliberate, not a failure to fail over from.
  const adminDown = { ...r.state, state: 'AdminDown', diag: BfdDiag.AdminDown } as const;
  r.socket.send(
    encodeBfd({ ...packetFor(adminDown, r.spec.config), poll: false }),
    CONTROL_PORT,
    r.spec.peer,
    () => r.socket.close(),
  );
}

parentPort?.on('message', (m: BfdSetMessage) => {
  if (m.type !== 'set') return;
  const wanted = new Map(m.sessions.map((s) => [s.key, s]));
  for (const [key, r] of running) if (JSON.stringify(wanted.get(key)) !== JSON.stringify(r.spec)) stop(key);
  for (const [key, spec] of wanted) if (!running.has(key) && !starting.has(key)) start(spec);
});
