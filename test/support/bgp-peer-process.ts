/**
 * A BareLB BGP session run as its own process inside a lab node's namespace, for test/bgp.test.ts
 * (issue 17): it connects to the peer, announces the given /32s with this node as next hop, and
 * prints one JSON line per state change. SIGTERM stops it gracefully (Cease, then exit).
 * With `config`, the sessions and routes come from BareLB's own path instead: the objects go
 * through buildConfig and buildBgpConfig, planBgp plans this node's sessions and routes, and a
 * BgpSpeaker carries the plan out.
 *
 *   node --import tsx test/support/bgp-peer-process.ts '<json options>'
 */
import { pino } from 'pino';
import { type BgpService, planBgp } from '../../src/bgp/bgp-plan.js';
import { BgpSpeaker } from '../../src/bgp/bgp-speaker.js';
import { prefixKey, type Route } from '../../src/bgp/session/adj-rib-out.js';
import { BgpSession } from '../../src/bgp/session/bgp-session.js';
import { type BgpObjects, buildBgpConfig, buildConfig } from '../../src/config/index.js';
import { parseAddress } from '../../src/net/address.js';

interface Options {
  readonly peer: string;
  readonly source: string;
  /** This node's IPv6 address on the segment, when the test gave it one: the next hop of IPv6 routes. */
  readonly source6?: string;
  readonly myAsn: number;
  readonly peerAsn: number;
  readonly holdTimeS: number;
  readonly ips: readonly string[];
  /** BareLB objects and Services to plan the sessions and routes from, and this node. */
  readonly config?: {
    readonly pools: readonly unknown[];
    readonly bgp: BgpObjects;
    readonly services: readonly BgpService[];
    readonly node: { readonly name: string; readonly labels: Record<string, string> };
    /** Started again after a stop: the sessions' OPEN says so (graceful restart's R bit). */
    readonly restarting?: boolean;
  };
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const addr = (s: string) => {
  const a = parseAddress(s);
  if (!a) throw new Error(`not an address: ${s}`);
  return a;
};
const source = addr(o.source);
const log = pino({ level: 'info' });
/**
 * With `config`: BareLB's speaker side as the speaker runs it, a BgpSpeaker applying planBgp's plan.
 * SIGUSR2 flips this node's health (as a failing kube-proxy would) and applies the plan again.
 */
function runPlanned(c: NonNullable<Options['config']>): { stop(): Promise<void> } {
  const { pools, errors } = buildConfig(c.pools, []);
  const bgp = buildBgpConfig(c.bgp, new Set(pools.keys()));
  if (errors.length + bgp.errors.length > 0) throw new Error(JSON.stringify([...errors, ...bgp.errors]));
  const speaker = new BgpSpeaker({
    node: { IPv4: o.source, IPv6: o.source6 },
    log,
    restarting: c.restarting ?? false,
    onPeerState: (peer, state, reason) => console.log(JSON.stringify({ peer, state, reason })),
  });
  let healthy = true;
  const apply = () => speaker.apply(planBgp({ ...c.node, healthy }, bgp, pools, c.services));
  apply();
  process.on('SIGUSR2', () => {
    healthy = !healthy;
    console.log(JSON.stringify({ healthy }));
    apply();
  });
  return speaker;
}

/** Without `config`: one session announcing the given IPs as /32s. */
function runIps(): { stop(): Promise<void> } {
  const session = new BgpSession(
    {
      local: {
        myAsn: o.myAsn,
        peerAsn: o.peerAsn,
        holdTimeS: o.holdTimeS,
        bgpId: Number(source.value),
        families: ['IPv4'],
        gracefulRestartS: 0,
      },
      peerAddress: o.peer,
      localAddress: o.source,
      log,
    },
    {
      onEstablished: (s) => console.log(JSON.stringify({ state: 'established', holdTimeS: s.holdTimeS })),
      onDown: (reason) => console.log(JSON.stringify({ state: 'down', reason })),
    },
  );
  const ebgp = o.myAsn !== o.peerAsn;
  session.setRoutes(
    new Map<string, Route>(
      o.ips.map((ip) => {
        const prefix = { address: addr(ip), length: 32 };
        const route: Route = {
          prefix,
          nextHop: source,
          attributes: {
            origin: 0,
            asPath: ebgp ? [{ type: 2, asns: [o.myAsn] }] : [],
            ...(ebgp ? {} : { localPref: 100 }),
          },
        };
        return [prefixKey(prefix), route];
      }),
    ),
  );
  session.start();
  return { stop: () => session.stop('SIGTERM') };
}

const running = o.config ? runPlanned(o.config) : runIps();
// The session's timers do not hold the process open (the speaker's servers do); between connection
// attempts nothing else would, and a refused peer would end the process instead of retrying.
const alive = setInterval(() => {}, 2 ** 30);
process.on('SIGTERM', () => {
  clearInterval(alive);
  void running.stop().finally(() => process.exit(0));
});
