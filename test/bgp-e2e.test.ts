import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { NODE_ASN, ROUTER_ASN } from './support/bgp-speaker-process.js';
import { type FrrRouter, startFrr } from './support/frr-router.js';
import { LabProbe } from './support/lab-probe.js';
import { waitForIps } from './support/services.js';
import { curlFromClient, eventually, speakerReady, startTestLab } from './support/test-lab.js';

/**
 * BGP mode as users run it (issue 17): BareLB installed from deploy/ on real nodes (kubelet and
 * containerd), an FRR router on the nodes' segment, and a client behind the router, off the segment,
 * whose only way to a LoadBalancer IP is the route BGP gave the router. The configuration is the
 * objects a user applies: an IPAddressPool, a BGPPeer and a BGPAdvertisement.
 */
describe('BGP mode end to end (deploy/ on real nodes, FRR, a client behind the router)', () => {
  let lab: Lab;
  let router: FrrRouter;
  const ns = 'barelb-system';
  /** The pool BGP announces: off the segment, so nothing but the router's route reaches it. */
  const bgpNet = () => `198.18.${lab.addresses.index * 16 + 13}`;
  const kubectl = (args: string[], input?: string) =>
    lab.exec('cp', ['kubectl', ...args], { ...(input ? { input } : {}), timeoutMs: 60_000 });

  const peer = (name: string, peerAsn: number, extra = '') =>
    `apiVersion: barelb.io/v1alpha1
kind: BGPPeer
metadata: {name: ${name}, namespace: ${ns}}
spec:
  myASN: ${NODE_ASN}
  peerASN: ${peerAsn}
  peerAddress: ${lab.addresses.routerIp}
  holdTime: 9s
  enableGracefulRestart: true
${extra}`;

  /** The nodes the router's kernel table names as next hops for `ip`. */
  const nextHops = async (ip: string) => {
    const r = await router.kernelRoutes(ip);
    return lab.nodes.filter((n) => new RegExp(`via ${lab.nodeIp(n).replaceAll('.', '\\.')}\\b`).test(r));
  };
  const sessionStatus = async (name: string) => {
    const r = await lab.exec(
      'cp',
      ['kubectl', '-n', ns, 'get', 'bgpsessionstatuses.barelb.io', name, '-o', 'json'],
      {
        check: false,
      },
    );
    return r.code === 0
      ? (
          JSON.parse(r.stdout) as {
            status?: {
              state?: string;
              conditions?: { type: string; status: string; reason: string; message: string }[];
            };
          }
        ).status
      : undefined;
  };

  /** A node speaker's metric sample for `series` (`name{labels}`), or undefined when it has none. */
  const speakerMetric = async (node: string, series: string) => {
    const r = await lab.exec(node, ['curl', '-s', 'http://127.0.0.1:7473/metrics']);
    const line = r.stdout.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  /** The messages of the Events in BareLB's namespace that the field selector picks. */
  const eventMessages = async (selector: string) =>
    (
      await kubectl([
        '-n',
        ns,
        'get',
        'events',
        '--field-selector',
        selector,
        '-o',
        'jsonpath={.items[*].message}',
      ])
    ).stdout;

  beforeAll(async () => {
    lab = await startTestLab('bgp-e2e', { nodes: 2 });
    router = await startFrr(
      lab,
      ROUTER_ASN,
      lab.nodes.map((n) => ({ ip: lab.nodeIp(n), asn: NODE_ASN })),
    );
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: barelb.io/v1alpha1
kind: IPAddressPool
metadata: {name: bgp, namespace: ${ns}}
spec:
  addresses: ["${bgpNet()}.0/28"]
  autoAssign: false
---
${peer('router', ROUTER_ASN)}
---
apiVersion: barelb.io/v1alpha1
kind: BGPAdvertisement
metadata: {name: bgp, namespace: ${ns}}
spec:
  ipAddressPools: [bgp]
`,
    );
  }, 600_000);
  afterAll(async () => {
    await lab?.stop();
  }, 180_000);

  it('both nodes establish, report it in BGPSessionStatus, and the client behind the router reaches pods on both', async () => {
    for (const n of lab.nodes)
      await eventually(
        `BGPSessionStatus router-${n} Established`,
        async () => ((await sessionStatus(`router-${n}`))?.state === 'Established' ? true : undefined),
        90_000,
      );
    const status = await sessionStatus(`router-${lab.nodes[0]}`);
    expect(status?.conditions?.[0]).toMatchObject({ type: 'Established', status: 'True' });
    expect(await eventMessages('reason=BGPSessionEstablished')).toMatch(/is up/);

    await deployWorkload(lab, {
      name: 'web-bgp',
      podsOn: lab.nodes,
      service: { type: 'LoadBalancer', annotations: { 'barelb.io/address-pool': 'bgp' } },
    });
    const [ip = ''] = await waitForIps(lab, 'web-bgp', 'default', 1, 60_000);
    expect(ip.startsWith(`${bgpNet()}.`)).toBe(true);
    const hops = await eventually(
      'a route to the IP via both nodes',
      async () => ((await nextHops(ip)).length === 2 ? nextHops(ip) : undefined),
      60_000,
    );
    expect(hops).toEqual(lab.nodes);
    for (const n of lab.nodes) {
      expect(await speakerMetric(n, 'barelb_speaker_bgp_session_up{peer="router"}')).toBe(1);
      expect(await speakerMetric(n, 'barelb_speaker_bgp_routes{peer="router"}')).toBe(1);
      expect(
        await speakerMetric(n, 'barelb_speaker_bgp_messages_sent_total{peer="router",type="update"}'),
      ).toBeGreaterThanOrEqual(2);
      expect(
        await speakerMetric(n, 'barelb_speaker_bgp_messages_sent_total{peer="router",type="open"}'),
      ).toBeGreaterThanOrEqual(1);
      // No BFDProfile on this peer: no BFD series.
      expect(await speakerMetric(n, 'barelb_speaker_bfd_session_up{peer="router"}')).toBeUndefined();
    }
    // Nobody answers ARP for it on the segment: it is announced by BGP alone.
    const arp = await lab.exec('client', ['arping', '-c', '2', '-w', '3', '-I', 'eth0', ip], {
      check: false,
    });
    expect(arp.code).not.toBe(0);

    const seen = new Set<string>();
    await eventually(
      'replies from pods on both nodes, from behind the router',
      async () => {
        const reply = await curlFromClient(lab, `http://${ip}/`, 2, 'far');
        if (reply) seen.add(reply.node);
        return seen.size === 2 ? true : undefined;
      },
      60_000,
    );
    expect([...seen].sort()).toEqual(lab.nodes);
  }, 300_000);

  it('externalTrafficPolicy Local: only the node with the endpoint advertises', async () => {
    await deployWorkload(lab, {
      name: 'web-local',
      podsOn: [lab.nodes[0] ?? ''],
      service: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        annotations: { 'barelb.io/address-pool': 'bgp' },
      },
    });
    const [ip = ''] = await waitForIps(lab, 'web-local', 'default', 1, 60_000);
    const host = (
      await kubectl(['get', 'pods', '-l', 'app=web-local', '-o', 'jsonpath={.items[0].spec.nodeName}'])
    ).stdout.trim();
    expect(lab.nodes).toContain(host);
    const hops = await eventually(
      `a route via ${host} alone`,
      async () => {
        const h = await nextHops(ip);
        return h.length === 1 && h[0] === host ? h : undefined;
      },
      60_000,
    );
    expect(hops).toEqual([host]);
    const reply = await eventually('a reply from behind the router', () =>
      curlFromClient(lab, `http://${ip}/`, 2, 'far'),
    );
    expect(reply.node).toBe(host);
  }, 240_000);

  it('a wrong peer ASN: BGPSessionStatus says Down with why, a Warning Event, and a fix brings it back', async () => {
    const [first = ''] = lab.nodes;
    await kubectl(['apply', '-f', '-'], peer('router', 65000));
    const status = await eventually(
      'BGPSessionStatus Down',
      async () => {
        const s = await sessionStatus(`router-${first}`);
        return s?.state === 'Down' && /AS/i.test(s.conditions?.[0]?.message ?? '') ? s : undefined;
      },
      90_000,
    );
    expect(status.conditions?.[0]).toMatchObject({
      type: 'Established',
      status: 'False',
      reason: 'SessionDown',
    });
    console.log(`wrong ASN: ${JSON.stringify(status.conditions?.[0])}`);
    expect(await eventMessages('involvedObject.name=router,type=Warning')).toMatch(/went down|failed/);
    await kubectl(['apply', '-f', '-'], peer('router', ROUTER_ASN));
    for (const n of lab.nodes)
      await eventually(
        `router-${n} Established again`,
        async () => ((await sessionStatus(`router-${n}`))?.state === 'Established' ? true : undefined),
        90_000,
      );
  }, 240_000);

  it('configuration errors CEL cannot see: a peer waiting for its BFDProfile is Refused with why on every node, an unknown community alias is a Warning Event', async () => {
    // A second peer at an address where no router answers: it can only ever be Connecting, so the
    // session with the lab router is not disturbed.
    const absent = lab.addresses.routerIp.replace(/\.\d+$/, '.245');
    const waiting = `apiVersion: barelb.io/v1alpha1
kind: BGPPeer
metadata: {name: slow, namespace: ${ns}}
spec:
  myASN: ${NODE_ASN}
  peerASN: ${ROUTER_ASN}
  peerAddress: ${absent}
  bfdProfile: fast
`;
    const badAlias = `apiVersion: barelb.io/v1alpha1
kind: BGPAdvertisement
metadata: {name: tagged, namespace: ${ns}}
spec:
  ipAddressPools: [bgp]
  peers: [slow]
  communities: [EDGE]
`;
    await kubectl(['apply', '-f', '-'], `${waiting}---\n${badAlias}`);
    for (const n of lab.nodes) {
      const s = await eventually(
        `BGPSessionStatus slow-${n} Refused`,
        async () => {
          const st = await sessionStatus(`slow-${n}`);
          return st?.state === 'Refused' ? st : undefined;
        },
        60_000,
      );
      expect(s.conditions?.[0]).toMatchObject({
        type: 'Established',
        status: 'False',
        reason: 'Refused',
        message: 'spec.bfdProfile: no valid BFDProfile "fast"; the session waits for it',
      });
    }
    expect(await eventMessages('involvedObject.name=slow,reason=BGPPeerRefused')).toMatch(
      /will not open it: spec\.bfdProfile: no valid BFDProfile "fast"/,
    );
    const aliasEvents = await eventually('the Warning Event on the BGPAdvertisement', async () => {
      const m = await eventMessages('involvedObject.name=tagged,reason=InvalidBGPConfiguration');
      return m.includes('"EDGE" is neither') ? m : undefined;
    });
    console.log(`config errors: ${aliasEvents.slice(0, 300)}`);
    // The sessions to the lab router stayed up meanwhile.
    for (const n of lab.nodes) expect((await sessionStatus(`router-${n}`))?.state).toBe('Established');

    // The profile appears: the peer is no longer held back; its sessions open, and fail, since nobody
    // answers there (Connecting, then Down once the connection attempt gives up).
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: barelb.io/v1alpha1
kind: BFDProfile
metadata: {name: fast, namespace: ${ns}}
spec: {receiveInterval: 300, transmitInterval: 300}
`,
    );
    for (const n of lab.nodes) {
      const opened = await eventually(
        `slow-${n} no longer Refused`,
        async () => {
          const st = await sessionStatus(`slow-${n}`);
          return st?.state === 'Connecting' || st?.state === 'Down' ? st : undefined;
        },
        60_000,
      );
      console.log(
        `slow-${n} once its BFDProfile exists: ${opened.state}: ${opened.conditions?.[0]?.message}`,
      );
      // Its BFD session runs, and is not Up: nobody answers there either.
      expect(
        await eventually(`the BFD gauge for slow on ${n}`, () =>
          speakerMetric(n, 'barelb_speaker_bfd_session_up{peer="slow"}'),
        ),
      ).toBe(0);
    }
    // Gone: its statuses go with it.
    await kubectl([
      '-n',
      ns,
      'delete',
      'bgppeers.barelb.io/slow',
      'bgpadvertisements.barelb.io/tagged',
      'bfdprofiles.barelb.io/fast',
    ]);
    for (const n of lab.nodes)
      await eventually(
        `slow-${n} deleted`,
        async () => ((await sessionStatus(`slow-${n}`)) === undefined ? true : undefined),
        60_000,
      );
    for (const n of lab.nodes)
      await eventually(`no BFD gauge for slow on ${n}`, async () =>
        (await speakerMetric(n, 'barelb_speaker_bfd_session_up{peer="slow"}')) === undefined
          ? true
          : undefined,
      );
  }, 300_000);

  it('TCP MD5 from a passwordSecret: signed sessions come up; a wrong password says so and withdraws; rotating the Secret brings them back', async () => {
    const secret = (password: string) => `apiVersion: v1
kind: Secret
metadata: {name: bgp-router-password, namespace: ${ns}}
type: kubernetes.io/basic-auth
stringData: {password: "${password}"}
`;
    const routerPassword = (password: string | undefined) =>
      router.vtysh([
        'configure terminal',
        `router bgp ${ROUTER_ASN}`,
        ...lab.nodes.map((n) =>
          password
            ? `neighbor ${lab.nodeIp(n)} password ${password}`
            : `no neighbor ${lab.nodeIp(n)} password`,
        ),
        'end',
      ]);
    const frrState = async (n: string) =>
      ((await router.json('show bgp neighbors json')) as Record<string, { bgpState?: string }>)[lab.nodeIp(n)]
        ?.bgpState;
    const allEstablished = async (what: string) => {
      for (const n of lab.nodes)
        await eventually(
          `${what}: router-${n} Established at both ends`,
          async () =>
            (await sessionStatus(`router-${n}`))?.state === 'Established' &&
            (await frrState(n)) === 'Established'
              ? true
              : undefined,
          90_000,
        );
    };
    const [ip = ''] = await waitForIps(lab, 'web-bgp', 'default', 1, 60_000);

    // The peer names a Secret that is not there yet: refused, saying which.
    await kubectl(
      ['apply', '-f', '-'],
      peer('router', ROUTER_ASN, '  passwordSecret: {name: bgp-router-password}'),
    );
    const missing = await eventually(
      'Refused for the missing Secret',
      async () => {
        const s = await sessionStatus(`router-${lab.nodes[0]}`);
        return s?.state === 'Refused' ? s : undefined;
      },
      60_000,
    );
    expect(missing.conditions?.[0]?.message).toMatch(/bgp-router-password not found/);

    // The right password on both sides: Linux signs every segment, and FRR, which now has the key
    // too, drops any that is not signed with it, so Established proves the signature.
    await routerPassword('lab-md5-one');
    await kubectl(['apply', '-f', '-'], secret('lab-md5-one'));
    await allEstablished('signed');
    await eventually('the route via both nodes, signed', async () =>
      (await nextHops(ip)).length === 2 ? true : undefined,
    );

    // A Secret with the wrong password: the sessions reopen with it and get no answer at all.
    await kubectl(['apply', '-f', '-'], secret('not-the-router-s'));
    let seen = '';
    const wrong = await eventually(
      'no session, the status hinting at the password',
      async () => {
        const s = await sessionStatus(`router-${lab.nodes[0]}`);
        const frr = await frrState(lab.nodes[0] ?? '');
        seen = `${JSON.stringify(s)}; FRR ${frr}`;
        return s?.state !== 'Established' &&
          frr !== 'Established' &&
          /TCP MD5/.test(s?.conditions?.[0]?.message ?? '')
          ? s
          : undefined;
      },
      90_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last seen: ${seen}`);
    });
    console.log(`wrong MD5 password: ${JSON.stringify(wrong.conditions?.[0])}`);
    await eventually(
      'the route withdrawn once the hold time passes',
      async () => ((await nextHops(ip)).length === 0 ? true : undefined),
      60_000,
    );

    // Rotating the Secret back brings them up without touching the BGPPeer.
    await kubectl(['apply', '-f', '-'], secret('lab-md5-one'));
    await allEstablished('rotated');

    // Back to no password for the tests after this one.
    await kubectl(['apply', '-f', '-'], peer('router', ROUTER_ASN));
    await routerPassword(undefined);
    await kubectl(['-n', ns, 'delete', 'secret', 'bgp-router-password']);
    await allEstablished('unsigned again');
    await eventually(
      'the route via both nodes again',
      async () => ((await nextHops(ip)).length === 2 ? true : undefined),
      60_000,
    );
  }, 420_000);

  it('a rolling restart of every speaker loses no request from behind the router (graceful restart)', async () => {
    const ip = (await waitForIps(lab, 'web-bgp', 'default', 1))[0] ?? '';
    await eventually(
      'both next hops',
      async () => ((await nextHops(ip)).length === 2 ? true : undefined),
      60_000,
    );
    const probe = LabProbe.start(lab, [ip], new Map(), { from: 'far', intervalMs: 50, maxMs: 300_000 });
    try {
      const from = await probe.mark('rolling restart');
      for (const n of lab.nodes) {
        await lab.restart(`speaker-${n}`);
        await speakerReady(lab, n, 180_000);
        await eventually(`router-${n} Established again`, async () =>
          (await sessionStatus(`router-${n}`))?.state === 'Established' ? true : undefined,
        );
        await new Promise((r) => setTimeout(r, 3_000));
      }
      const to = await probe.mark('rolled');
      const window = probe.between(ip, from, to);
      const failed = window.filter((x) => !x.ok);
      console.log(`rolling restart: ${failed.length} of ${window.length} GETs from behind the router failed`);
      expect(window.length).toBeGreaterThan(50);
      expect(failed).toEqual([]);
    } finally {
      probe.stop();
    }
  }, 600_000);

  it('a node killed hard is withdrawn by the router within the hold time', async () => {
    const ip = (await waitForIps(lab, 'web-bgp', 'default', 1))[0] ?? '';
    const [, victim = ''] = lab.nodes;
    expect(await nextHops(ip)).toContain(victim);
    const t0 = performance.now();
    await lab.kill(victim);
    await eventually(
      `${victim} withdrawn`,
      async () => (!(await nextHops(ip)).includes(victim) ? true : undefined),
      30_000,
    );
    const s = (performance.now() - t0) / 1_000;
    process.stderr.write(
      `[bgp-e2e] hard kill of ${victim} → its next hop gone at the router after ${s.toFixed(2)} s (hold time 9 s, no BFD)\n`,
    );
    expect(s).toBeLessThan(9 + 3);
    const reply = await eventually('served through the other node', () =>
      curlFromClient(lab, `http://${ip}/`, 2, 'far'),
    );
    expect(reply.node).not.toBe(victim);
  }, 120_000);
});
