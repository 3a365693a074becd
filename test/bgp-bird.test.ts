/**
 * BGP mode against a second implementation (issue 17): BIRD 2 in the lab's router namespace, BareLB's
 * BgpSpeaker in each node's. What BIRD reports (birdc) and what it puts in the kernel are the proof.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/lab.js';
import { NODE_ASN, ROUTER_ASN, startBgpProcess } from './support/bgp-speaker-process.js';
import { type BirdRouter, startBird } from './support/bird-router.js';
import { eventually, startTestLab } from './support/test-lab.js';

describe('BGP sessions with BIRD 2', () => {
  let lab: Lab;
  let router: BirdRouter;
  const subnet = () => `198.18.${lab.addresses.index * 16 + 1}`;
  const protocolOf = (node: string) => `speaker_${node}`;

  /** A BgpSpeaker in `node`'s namespace, planning its routes from BareLB objects. */
  const speak = (node: string, name = `bgp-${node}`, peer: Record<string, unknown> = {}) =>
    startBgpProcess(lab, name, node, {
      config: {
        pools: [{ metadata: { name: 'bgp' }, spec: { addresses: [`${subnet()}.0/24`] } }],
        bgp: {
          peers: [
            {
              metadata: { name: 'bird' },
              spec: {
                myASN: NODE_ASN,
                peerASN: ROUTER_ASN,
                peerAddress: lab.addresses.routerIp,
                holdTime: '9s',
                ...peer,
              },
            },
          ],
          advertisements: [
            { metadata: { name: 'tagged' }, spec: { communities: ['64512:100', 'large:64512:1:2'] } },
          ],
          bfdProfiles: [],
          communities: [],
        },
        services: [{ key: 'default/web', ips: [`${subnet()}.40`], pool: 'bgp', servedHere: true }],
        node: { name: node, labels: {} },
      },
    });

  beforeAll(async () => {
    lab = await startTestLab('bgp-bird', { nodes: 2, realNodes: false, bare: true });
    router = await startBird(
      lab,
      ROUTER_ASN,
      lab.nodes.map((n) => ({ name: protocolOf(n), ip: lab.nodeIp(n), asn: NODE_ASN })),
    );
  }, 240_000);
  afterAll(async () => {
    await lab?.stop();
  }, 120_000);

  it('both nodes establish; BIRD installs the IP with a next hop per node and sees the communities', async () => {
    for (const n of lab.nodes) await speak(n);
    for (const n of lab.nodes)
      await eventually(`${n} Established at BIRD`, async () =>
        /Established/.test(await router.birdc(`show protocols ${protocolOf(n)}`)) ? true : undefined,
      );
    const route = await eventually('the kernel route with two next hops', async () => {
      const r = await router.kernelRoutes(`${subnet()}.40`);
      return lab.nodes.every((n) => r.includes(`via ${lab.nodeIp(n)}`)) ? r : undefined;
    });
    expect(route).toContain('proto bird');
    const detail = await router.birdc(`show route ${subnet()}.40/32 all`);
    expect(detail.match(/BGP\.community: \(64512,100\)/g)).toHaveLength(lab.nodes.length);
    expect(detail.match(/BGP\.large_community: \(64512, 1, 2\)/g)).toHaveLength(lab.nodes.length);
  }, 120_000);

  it('a node that stops being healthy withdraws; BIRD keeps one next hop', async () => {
    const [first = '', second = ''] = lab.nodes;
    await lab.signalComponent(`bgp-${first}`, 'SIGUSR2');
    const route = await eventually(`only ${second} left`, async () => {
      const r = await router.kernelRoutes(`${subnet()}.40`);
      return r.includes(`via ${lab.nodeIp(second)}`) && !r.includes(`via ${lab.nodeIp(first)}`)
        ? r
        : undefined;
    });
    expect(route).toContain(lab.nodeIp(second));
    expect(await router.birdc(`show protocols ${protocolOf(first)}`)).toMatch(/Established/);
  }, 60_000);

  it("eBGP multi-hop: a BIRD two hops away, behind the lab router, gets both nodes' routes", async () => {
    // BIRD in the namespace behind the lab router: the sessions cross a forwarding hop (TTL 64 - 1).
    // BareLB sends every session with the kernel's TTL (64), so ebgpMultiHop changes nothing on its
    // side; what this shows is that a router two hops away, configured for multi-hop, gets its routes.
    const far = await startBird(
      lab,
      ROUTER_ASN,
      lab.nodes.map((n) => ({ name: protocolOf(n), ip: lab.nodeIp(n), asn: NODE_ASN })),
      'far',
    );
    for (const n of lab.nodes)
      await speak(n, `bgp-multihop-${n}`, { peerAddress: lab.addresses.farClientIp, ebgpMultiHop: true });
    for (const n of lab.nodes)
      await eventually(`${n} Established at the far BIRD`, async () =>
        /Established/.test(await far.birdc(`show protocols ${protocolOf(n)}`)) ? true : undefined,
      );
    const routes = await eventually('the IP from both nodes', async () => {
      const r = await far.birdc(`show route ${subnet()}.40/32 all`);
      return lab.nodes.every((n) => r.includes(`BGP.next_hop: ${lab.nodeIp(n)}`)) ? r : undefined;
    });
    expect(routes.match(/BGP\.as_path: 64512/g)).toHaveLength(lab.nodes.length);
    for (const n of lab.nodes) await lab.stopComponent(`bgp-multihop-${n}`);
  }, 90_000);
});
