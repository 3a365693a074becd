import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/lab.js';
import { NODE_ASN, ROUTER_ASN, startBgpProcess } from './support/bgp-speaker-process.js';
import { type FrrRouter, startFrr } from './support/frr-router.js';
import { RouteWatch, withdrawnAt } from './support/route-watch.js';
import { eventually, startTestLab } from './support/test-lab.js';

/**
 * BFD (RFC 5880/5881) between BareLB's BGP sessions and FRR's bfdd, 100 ms × 3 (issue 17): both come
 * Up, and a node killed hard (links down, then its processes: no Cease, no AdminDown, no TCP reset;
 * its packets simply stop) loses its next hop at the router within the BFD detection time, timed in
 * the router's namespace, where the BGP hold time (9 s) alone would take seconds.
 */
describe('BFD with FRR', () => {
  let lab: Lab;
  let router: FrrRouter;
  let watch: RouteWatch | undefined;
  const subnet = () => `198.18.${lab.addresses.index * 16 + 1}`;
  const ip = () => `${subnet()}.40`;

  const speak = (node: string) =>
    startBgpProcess(lab, `bfd-${node}`, node, {
      config: {
        pools: [{ metadata: { name: 'bgp' }, spec: { addresses: [`${subnet()}.0/24`] } }],
        bgp: {
          peers: [
            {
              metadata: { name: 'router' },
              spec: {
                myASN: NODE_ASN,
                peerASN: ROUTER_ASN,
                peerAddress: lab.addresses.routerIp,
                holdTime: '9s',
                bfdProfile: 'fast',
              },
            },
          ],
          advertisements: [{ metadata: { name: 'all' }, spec: {} }],
          bfdProfiles: [
            {
              metadata: { name: 'fast' },
              spec: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
            },
          ],
          communities: [],
        },
        services: [{ key: 'default/a', ips: [ip()], pool: 'bgp', servedHere: true }],
        node: { name: node, labels: {} },
      },
    });

  /** FRR's BFD peers, by address. */
  const bfdPeers = async () => {
    const peers = (await router.json('show bfd peers json')) as { peer?: string; status?: string }[];
    return new Map(peers.map((p) => [p.peer ?? '', p.status ?? '']));
  };

  beforeAll(async () => {
    lab = await startTestLab('bgp-bfd', { nodes: 2, realNodes: false, bare: true });
    router = await startFrr(
      lab,
      ROUTER_ASN,
      lab.nodes.map((n) => ({ ip: lab.nodeIp(n), asn: NODE_ASN })),
      [],
      { receiveMs: 100, transmitMs: 100, multiplier: 3 },
    );
    for (const n of lab.nodes) await speak(n);
  }, 240_000);
  afterAll(async () => {
    watch?.stop();
    await lab?.stop();
  }, 120_000);

  it('both nodes bring BFD up with the router, and the router routes the IP through both', async () => {
    // bgpd's BFD registration first (FRR's own start-up race, see bfdReady): on a busy machine one
    // made before bfdd listened was lost, and bfdd then never had the peers this waits for.
    await router.bfdReady(
      lab.nodes.map((n) => lab.nodeIp(n)),
      60_000,
    );
    const peers = await eventually(
      'BFD up at the router for both nodes',
      async () => {
        const p = await bfdPeers();
        return lab.nodes.every((n) => p.get(lab.nodeIp(n)) === 'up') ? p : undefined;
      },
      60_000,
    );
    expect([...peers.values()].filter((s) => s === 'up')).toHaveLength(2);
    await eventually('two next hops', async () => {
      const r = await router.kernelRoutes(ip());
      return lab.nodes.every((n) => r.includes(`via ${lab.nodeIp(n)}`)) ? true : undefined;
    });
    const detail = (await router.json(`show bfd peer ${lab.nodeIp(lab.nodes[0] ?? '')} json`)) as {
      'remote-transmit-interval'?: number;
      'remote-receive-interval'?: number;
      'remote-detect-multiplier'?: number;
    };
    expect(detail).toMatchObject({
      'remote-transmit-interval': 100,
      'remote-receive-interval': 100,
      'remote-detect-multiplier': 3,
    });
  }, 90_000);

  it("a BFD Down from the router closes the node's BGP session with Cease/BFD Down (RFC 9384), and it comes back", async () => {
    const [first = ''] = lab.nodes;
    const peer = lab.nodeIp(first);
    const from = (await router.log()).length;
    // bgpd leaving the BFD session makes bfdd delete it, and bfdd says Down to the node as it goes.
    await router.vtysh(['configure terminal', `router bgp ${ROUTER_ASN}`, `no neighbor ${peer} bfd`]);
    const notified = `received from neighbor ${peer} 6/10 (Cease/BFD Down)`;
    await eventually(`the router logs "${notified}"`, async () =>
      (await router.log()).slice(from).includes(notified) ? true : undefined,
    );
    // Back as before: BFD registered again and Up, the session Established, both next hops.
    await router.bfdReady([peer], 60_000);
    await router.established([peer], 60_000);
    await eventually('both next hops again', async () => {
      const r = await router.kernelRoutes(ip());
      return lab.nodes.every((n) => r.includes(`via ${lab.nodeIp(n)}`)) ? true : undefined;
    });
  }, 120_000);

  it('a router that switches BFD off (AdminDown) leaves the BGP sessions up (RFC 5882 §3.2)', async () => {
    const peers = lab.nodes.map((n) => lab.nodeIp(n));
    await router.bfdReady(peers, 60_000);
    const from = (await router.log()).length;
    const logs = lab.nodes.map((n) => join(lab.paths().logs, `bfd-${n}.log`));
    const saidBefore = await Promise.all(logs.map(async (f) => (await readFile(f, 'utf8')).length));
    // Shutting the profile down sends AdminDown to every peer that uses it.
    await router.vtysh(['configure terminal', 'bfd', 'profile lab', 'shutdown']);
    try {
      // Each node keeps its BGP session: no Cease reaches the router, every session stays Established…
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await router.log()).slice(from)).not.toMatch(/NOTIFICATION: received from neighbor/);
      await router.established(peers, 1_000);
      // …having heard the AdminDown and said so.
      for (const [i, f] of logs.entries())
        expect((await readFile(f, 'utf8')).slice(saidBefore[i])).toContain('"bfd_peer_admin_down"');
    } finally {
      await router.vtysh(['configure terminal', 'bfd', 'profile lab', 'no shutdown']);
    }
    await router.bfdReady(peers, 60_000);
  }, 120_000);

  it('a node killed hard loses its next hop at the router within the BFD detection time', async () => {
    const [, victim = ''] = lab.nodes;
    watch = RouteWatch.start(lab, ip(), 120);
    await eventually('the watch sees both next hops', async () =>
      watch?.hops().length === 2 ? true : undefined,
    );
    // Links down first (armed ahead), then every process killed: no FIN or RST reaches the router,
    // so only BFD (or the 9 s hold time) can tell it.
    const fire = await lab.armKill(victim);
    const killAt = Date.now();
    await fire();
    const gone = await eventually(
      `${victim} withdrawn`,
      async () => (watch ? withdrawnAt(watch.changes, victim, killAt) : undefined),
      20_000,
    );
    const ms = gone - killAt;
    process.stderr.write(
      `[bgp-bfd] hard kill of ${victim} → its next hop gone at the router after ${ms.toFixed(0)} ms (BFD 100 ms × 3, hold time 9 s)\n`,
    );
    expect((await bfdPeers()).get(lab.nodeIp(victim))).toBe('down');
    expect(ms).toBeLessThan(1_000);
  }, 60_000);
});
