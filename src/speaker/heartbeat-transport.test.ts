import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHeartbeat, type NodeFacts } from '../election/heartbeat-codec.js';
import { Membership } from '../election/membership.js';
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
  const facts: NodeFacts = { kubeProxyHealthy: true, localEndpoints: [], nodePortDown: [], leaving: false };
  let transport: HeartbeatTransport | undefined;
  afterEach(() => transport?.stop());

  /** A free UDP port: bound once by the kernel's choice, then released. */
  const freePort = async (): Promise<number> => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const { port } = s.address();
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  };

  it('hears peers over IPv4 and IPv6 on the same port', async () => {
    const port = await freePort();
    const membership = new Membership('a');
    const rejected = new Counter({
      name: 'rejected',
      help: 'h',
      labelNames: ['reason'],
      registers: [new Registry()],
    });
    transport = new HeartbeatTransport(
      { node: 'a', key, port, bindAddress: undefined, intervalMs: 60_000 },
      membership,
      () => {},
      rejected,
      pino({ level: 'silent' }),
    );
    await transport.start();
    for (const [node, type, host] of [
      ['b', 'udp4', '127.0.0.1'],
      ['c', 'udp6', '::1'],
    ] as const) {
      const s = createSocket(type);
      const buf = encodeHeartbeat({ node, incarnation: BigInt(Date.now()), seq: 1n, facts }, key);
      await new Promise<void>((r, j) => s.send(buf, port, host, (err) => (err ? j(err) : r())));
      s.close();
    }
    await sleep(100);
    expect(membership.alivePeers(Date.now()).sort()).toEqual(['b', 'c']);
  });
});
