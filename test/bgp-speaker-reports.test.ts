/**
 * BgpSpeaker's reports when it replaces or stops a session (issue 17): a session it has stopped says
 * nothing more, so its last word ("down: stopping") cannot overwrite what the peer's state is now.
 * Real TCP on loopback: a listener that accepts and never answers, so the session sits in OpenSent.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { planBgp } from '../src/bgp/bgp-plan.js';
import { BgpSpeaker, type PeerState } from '../src/bgp/bgp-speaker.js';
import { buildBgpConfig } from '../src/config/index.js';
import { eventually } from './support/test-lab.js';

const log = pino({ level: 'silent' });

async function silentPeer(): Promise<{ server: Server; port: number; accepted: Socket[]; closed: Socket[] }> {
  const accepted: Socket[] = [];
  const closed: Socket[] = [];
  const server = createServer((s) => {
    accepted.push(s);
    s.on('close', () => closed.push(s));
    s.on('error', () => {});
    s.resume(); // reads the OPEN and drops it: this peer never answers
  });
  // BGPPeer's peerPort is at most 16384 (as MetalLB's): try a few ports in that range.
  for (let i = 0; ; i++) {
    const port = 12_000 + Math.floor(Math.random() * 4_000);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      return { server, port, accepted, closed };
    } catch (err) {
      if (i >= 10) throw err;
    }
  }
}

describe('BgpSpeaker reports', () => {
  let speaker: BgpSpeaker | undefined;
  let peer: Awaited<ReturnType<typeof silentPeer>> | undefined;
  afterEach(async () => {
    await speaker?.stop();
    for (const s of peer?.accepted ?? []) s.destroy();
    await new Promise((r) => peer?.server.close(r) ?? r(undefined));
  });

  it('a session replaced by a refusal stays Refused: the stopped session reports nothing more', async () => {
    peer = await silentPeer();
    const config = (spec: Record<string, unknown>) =>
      buildBgpConfig(
        {
          peers: [
            {
              metadata: { name: 'p' },
              spec: { myASN: 64512, peerASN: 64513, peerAddress: '127.0.0.1', peerPort: peer?.port, ...spec },
            },
          ],
          advertisements: [],
          bfdProfiles: [],
          communities: [],
        },
        new Set(),
      );
    const plan = (spec: Record<string, unknown> = {}) =>
      planBgp({ name: 'n1', labels: {}, healthy: true }, config(spec), new Map(), []);
    const states: { state: PeerState; reason: string }[] = [];
    speaker = new BgpSpeaker({
      node: { IPv4: '127.0.0.1' },
      log,
      onPeerState: (name, state, reason) => name === 'p' && states.push({ state, reason }),
    });

    speaker.apply(plan());
    await eventually('the session connected', async () => (peer?.accepted.length ? true : undefined));
    // The peer now names a Secret the speaker could not find: the running session is stopped and the
    // peer refused.
    speaker.apply(
      plan({ passwordSecret: { name: 'gone' } }),
      true,
      new Map([['p', { ok: false, reason: 'Secret gone not found' }]]),
    );
    await eventually('the listener saw the connection close', async () =>
      peer && peer.closed.length === peer.accepted.length ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(states.map((s) => s.state)).toEqual(['connecting', 'refused']);
    expect(states.at(-1)?.reason).toMatch(/Secret gone not found/);
  });
});
