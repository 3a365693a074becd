/**
 * A BareLB BGP session run as its own process inside a lab node's namespace, for test/bgp.test.ts
 * (issue 17): it connects to the peer, announces the given /32s with this node as next hop, and
 * prints one JSON line per state change. SIGTERM stops it gracefully (Cease, then exit).
 * With `config`, the routes come from BareLB's own configuration path instead: the objects go
 * through buildConfig and buildBgpConfig, planBgp picks this node's routes for the peer named
 * there, and wireRoute gives their attributes.
 *
 *   node --import tsx test/support/bgp-peer-process.ts '<json options>'
 */
import { pino } from 'pino';
import { type BgpService, planBgp, wireRoute } from '../../src/bgp/bgp-plan.js';
import { prefixKey, type Route } from '../../src/bgp/session/adj-rib-out.js';
import { BgpSession } from '../../src/bgp/session/bgp-session.js';
import { type BgpObjects, buildBgpConfig, buildConfig } from '../../src/config/index.js';
import { parseAddress } from '../../src/net/address.js';

interface Options {
  readonly peer: string;
  readonly source: string;
  readonly myAsn: number;
  readonly peerAsn: number;
  readonly holdTimeS: number;
  readonly ips: readonly string[];
  /** BareLB objects and Services to plan the routes from, and which BGPPeer this session is. */
  readonly config?: {
    readonly pools: readonly unknown[];
    readonly bgp: BgpObjects;
    readonly services: readonly BgpService[];
    readonly peer: string;
    readonly node: { readonly name: string; readonly labels: Record<string, string> };
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
/** The routes BareLB's configuration path plans for this node and peer. */
function plannedRoutes(c: NonNullable<Options['config']>): Map<string, Route> {
  const { pools, errors } = buildConfig(c.pools, []);
  const bgp = buildBgpConfig(c.bgp, new Set(pools.keys()));
  if (errors.length + bgp.errors.length > 0) throw new Error(JSON.stringify([...errors, ...bgp.errors]));
  const peer = bgp.peers.get(c.peer);
  if (!peer) throw new Error(`no BGPPeer ${c.peer}`);
  const plan = planBgp({ ...c.node, healthy: true }, bgp, pools, c.services);
  const table = plan.routes.get(c.peer) ?? new Map();
  return new Map([...table].map(([k, intent]) => [k, wireRoute(intent, peer, source)]));
}

const ebgp = o.myAsn !== o.peerAsn;
const routes = o.config
  ? plannedRoutes(o.config)
  : new Map<string, Route>(
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
    );
session.setRoutes(routes);
session.start();
// The session's timers do not hold the process open (the speaker's servers do); between connection
// attempts nothing else would, and a refused peer would end the process instead of retrying.
const alive = setInterval(() => {}, 2 ** 30);
process.on('SIGTERM', () => {
  clearInterval(alive);
  void session.stop('SIGTERM').finally(() => process.exit(0));
});
