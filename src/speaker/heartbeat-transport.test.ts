import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeMessage, type Message } from '../election/heartbeat-codec.js';
import { DEFAULT_MEMBERSHIP_TIMING, Membership } from '../election/membership.js';
import { HeartbeatTransport, peerAddress } from './heartbeat-transport.js';

describe('peerAddress', () => {
  it.each([
    { name: 'IPv4 InternalIP', addrs: [{ type: 'InternalIP', address: '198.18.0.2' }], want: '198.18.0.2' },
    {
      name: 'IPv4 preferred over IPv6',
      addrs: [
        { type: 'InternalIP', address: '2002:c612::2' },
        { type: 'InternalIP', address: '198.18.0.2' },
      ],
      want: '198.18.0.2',
    },
    {
      name: 'IPv6-only node',
      addrs: [{ type: 'InternalIP', address: '2002:c612::2' }],
      want: '2002:c612::2',
    },
    {
      name: 'InternalIP before ExternalIP',
      addrs: [
        { type: 'ExternalIP', address: '198.18.9.9' },
        { type: 'InternalIP', address: '2002:c612::2' },
      ],
      want: '2002:c612::2',
    },
    {
      name: 'ExternalIP when nothing else',
      addrs: [{ type: 'ExternalIP', address: '198.18.9.9' }],
      want: '198.18.9.9',
    },
    { name: 'hostname only', addrs: [{ type: 'Hostname', address: 'n1' }], want: undefined },
  ])('$name', ({ addrs, want }) => {
    expect(peerAddress(addrs)).toBe(want);
  });
});

describe('HeartbeatTransport on loopback', () => {
  const key = new Uint8Array(32).fill(7);
  let transport: HeartbeatTransport | undefined;
  afterEach(() => {
    transport?.stop();
    vi.useRealTimers();
  });

  /** A free UDP port: bound once by the kernel's choice, then released. */
  const freePort = async (): Promise<number> => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const { port } = s.address();
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  };
  const counter = (name: string) =>
    new Counter({ name, help: 'h', labelNames: ['reason'], registers: [new Registry()] });
  const heartbeat = (node: string, seq: bigint): Buffer => {
    const m: Message = {
      node,
      incarnation: BigInt(Date.now()),
      seq,
      kind: 'heartbeat',
      health: 0,
      factsDigest: 0n,
      viewDigest: 0n,
    };
    const e = encodeMessage(m, key);
    if (!e.ok) throw new Error(e.reason);
    return e.bytes;
  };
  const sendTo = async (port: number, type: 'udp4' | 'udp6', host: string, buf: Buffer) => {
    const s = createSocket(type);
    await new Promise<void>((r, j) => s.send(buf, port, host, (err) => (err ? j(err) : r())));
    s.close();
  };

  const start = async (clock?: { now(): number; wall(): number }) => {
    const port = await freePort();
    const membership = new Membership('a', DEFAULT_MEMBERSHIP_TIMING, Date.now());
    const sendFailures = counter('send_failures');
    transport = new HeartbeatTransport(
      { node: 'a', key, port, bindAddress: undefined },
      membership,
      () => {},
      { rejected: counter('rejected'), sendFailures },
      pino({ level: 'silent' }),
      clock,
    );
    transport.setPeers([
      { name: 'a', address: undefined },
      { name: 'b', address: '127.0.0.1' },
      { name: 'c', address: '::1' },
    ]);
    await transport.start();
    return { port, membership, sendFailures };
  };

  it('hears peers over IPv4 and IPv6 on the same port', async () => {
    const { port, membership } = await start();
    await sendTo(port, 'udp4', '127.0.0.1', heartbeat('b', 1n));
    await sendTo(port, 'udp6', '::1', heartbeat('c', 1n));
    await sleep(100);
    expect(membership.heardPeers(performance.now()).sort()).toEqual(['b', 'c']);
  });

  // Issue 12, item 4: peers used to be judged on Date.now(), so an NTP step of more than deadAfter
  // made every peer look dead (or, stepped back, kept a dead one alive).
  it('judges liveness on the monotonic clock: a wall-clock step changes nothing', async () => {
    let mono = 1_000;
    const { port, membership } = await start({ now: () => mono, wall: () => Date.now() });
    await sendTo(port, 'udp4', '127.0.0.1', heartbeat('b', 1n));
    await sleep(100);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_600_000 });
    mono += 100;
    expect(membership.heardPeers(mono)).toEqual(['b']);
    mono += 5_000;
    expect(membership.heardPeers(mono)).toEqual([]);
  });

  it('keeps heartbeating a peer its Node cache briefly lost (a relist after an API server restart)', async () => {
    const port = await freePort();
    const peer = createSocket('udp4');
    let heard = 0;
    peer.on('message', () => heard++);
    await new Promise<void>((r) => peer.bind(port, '127.0.0.2', r));
    try {
      transport = new HeartbeatTransport(
        { node: 'a', key, port, bindAddress: '127.0.0.1' },
        new Membership('a', DEFAULT_MEMBERSHIP_TIMING, Date.now()),
        () => {},
        { rejected: counter('rejected'), sendFailures: counter('send_failures') },
        pino({ level: 'silent' }),
      );
      transport.setPeers([
        { name: 'a', address: undefined },
        { name: 'b', address: '127.0.0.2' },
      ]);
      await transport.start();
      // b speaks, so it is a member a has heard, not just a name in a list.
      await new Promise<void>((r, j) =>
        peer.send(heartbeat('b', 1n), port, '127.0.0.1', (err) => (err ? j(err) : r())),
      );
      await sleep(250);
      expect(heard).toBeGreaterThan(0);
      transport.setPeers([{ name: 'a', address: undefined }]);
      const before = heard;
      await sleep(350);
      expect(heard - before).toBeGreaterThanOrEqual(2);
    } finally {
      peer.close();
    }
  });

  it('refuses facts over the size limit, counts it, and keeps running', async () => {
    const { sendFailures } = await start();
    // Facts past what 255 chunks carry are refused before anything is sent, and counted.
    transport?.publish({
      kubeProxyHealthy: true,
      localEndpoints: Array.from({ length: 20_000 }, (_, i) => `namespace-${i}/service-${i}`),
      nodePortDown: [],
      leaving: false,
    });
    expect((await sendFailures.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'too-large' }, value: 1 }),
    ]);
  });
});
