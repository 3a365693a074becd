/**
 * BGP mode's decision for one node (issue 17), pure: which peers it holds sessions with, and which
 * prefixes it advertises to each, with which attributes. Every node whose data path serves a Service
 * advertises the Service's IPs, so the router spreads traffic over all of them (ECMP); there is no
 * election as in layer 2. A node stops advertising the moment it stops serving, and the router moves
 * the traffic to the others.
 */
import type { BgpConfig, BgpPeerConfig } from '../config/bgp-types.js';
import { advertisementCoversPool, type Labels, matchesAny, type PoolConfig } from '../config/index.js';
import { type Address, FAMILY_BITS, parseAddress } from '../net/address.js';
import { rangeContains } from '../net/range.js';
import { prefixKey, type Route } from './session/adj-rib-out.js';
import type { Prefix } from './wire/prefix.js';

/** This node as BGP mode sees it. */
export interface BgpSelf {
  readonly name: string;
  readonly labels: Labels;
  /**
   * Its data path may carry traffic: not excluded by label, not leaving or warming up, kube-proxy
   * healthy (when checked). The same facts layer 2's election uses.
   */
  readonly healthy: boolean;
}

/** A LoadBalancer Service with addresses, as far as BGP mode needs it. */
export interface BgpService {
  readonly key: string;
  readonly ips: readonly string[];
  /** The pool its IPs came from (the controller's annotation), if known. */
  readonly pool: string | undefined;
  /**
   * This node can deliver the Service's traffic: for externalTrafficPolicy Local, it holds a ready
   * endpoint (or its healthCheckNodePort says so); for Cluster, the Service has an endpoint anywhere.
   */
  readonly servedHere: boolean;
}

/** What one prefix carries to one peer, before the session adds its next hop and AS path. */
export interface RouteIntent {
  readonly prefix: Prefix;
  /** Only for iBGP peers: RFC 4271 keeps LOCAL_PREF inside an AS. The highest of the advertisements. */
  readonly localPref: number | undefined;
  /** The union of the advertisements' communities, sorted, once each. */
  readonly communities: readonly number[];
  readonly largeCommunities: readonly (readonly [number, number, number])[];
  /** The Services whose IPs the prefix carries, for status and logs. */
  readonly services: readonly string[];
}

export interface BgpPlan {
  /** The peers this node holds a session with: those whose nodeSelectors pick it. */
  readonly sessions: readonly BgpPeerConfig[];
  /** Per peer name, the routes it should have, by prefixKey. */
  readonly routes: ReadonlyMap<string, ReadonlyMap<string, RouteIntent>>;
  /** The BFD profiles the sessions name (buildBgpConfig made sure each exists). */
  readonly bfdProfiles: BgpConfig['bfdProfiles'];
}

export function isInternal(peer: BgpPeerConfig): boolean {
  return peer.dynamicAsn === 'internal' || peer.peerAsn === peer.myAsn;
}

const picks = (selectors: BgpPeerConfig['nodeSelectors'], labels: Labels) =>
  selectors.length === 0 || matchesAny(selectors, labels);

/** The peers this node would hold a session with that wait for an object they name, with why (pure). */
export function waitingPeers(
  self: Pick<BgpSelf, 'labels'>,
  config: Pick<BgpConfig, 'waiting'>,
): { readonly peer: BgpPeerConfig; readonly reason: string }[] {
  return [...config.waiting.values()].filter((w) => picks(w.peer.nodeSelectors, self.labels));
}

export function planBgp(
  self: BgpSelf,
  config: BgpConfig,
  pools: ReadonlyMap<string, PoolConfig>,
  services: readonly BgpService[],
): BgpPlan {
  const sessions = [...config.peers.values()].filter((p) => picks(p.nodeSelectors, self.labels));
  const routes = new Map<string, Map<string, RouteIntent>>(sessions.map((p) => [p.name, new Map()]));
  if (!self.healthy) return { sessions, routes, bfdProfiles: config.bfdProfiles };

  // An IP is advertised when this node serves every Service sharing it: traffic for the others
  // would otherwise reach a node that drops it (a Local Service without an endpoint here).
  const byIp = new Map<string, BgpService[]>();
  for (const s of services) for (const ip of s.ips) byIp.set(ip, [...(byIp.get(ip) ?? []), s]);
  for (const [ip, sharing] of byIp) {
    if (!sharing.every((s) => s.servedHere)) continue;
    const address = parseAddress(ip);
    const pool = address && poolOf(address, sharing, pools);
    if (!address || !pool) continue;
    for (const ad of config.advertisements) {
      if (!advertisementCoversPool(ad, pool) || !picks(ad.nodeSelectors, self.labels)) continue;
      const length = address.family === 'IPv4' ? ad.aggregationLength : ad.aggregationLengthV6;
      const prefix = masked(address, length);
      const key = prefixKey(prefix);
      const std = ad.communities.flatMap((c) => (c.kind === 'standard' ? [c.value] : []));
      const large = ad.communities.flatMap((c) => (c.kind === 'large' ? [c.value] : []));
      for (const peer of sessions) {
        if (ad.peers.length > 0 && !ad.peers.includes(peer.name)) continue;
        const table = routes.get(peer.name);
        if (!table) continue;
        table.set(
          key,
          merge(table.get(key), {
            prefix,
            localPref: isInternal(peer) ? ad.localPref : undefined,
            communities: std,
            largeCommunities: large,
            services: sharing.map((s) => s.key),
          }),
        );
      }
    }
  }
  return { sessions, routes, bfdProfiles: config.bfdProfiles };
}

function poolOf(
  address: Address,
  sharing: readonly BgpService[],
  pools: ReadonlyMap<string, PoolConfig>,
): PoolConfig | undefined {
  for (const s of sharing) {
    const p = s.pool ? pools.get(s.pool) : undefined;
    if (p) return p;
  }
  for (const p of pools.values()) if (p.ranges.some((r) => rangeContains(r, address))) return p;
  return undefined;
}

/** The address with its host bits cleared: the prefix an aggregation length announces. */
export function masked(address: Address, length: number): Prefix {
  const bits = BigInt(FAMILY_BITS[address.family] - length);
  return { address: { family: address.family, value: (address.value >> bits) << bits }, length };
}

/** Two advertisements (or two IPs under one aggregate) on one prefix: one route carrying both. */
function merge(a: RouteIntent | undefined, b: RouteIntent): RouteIntent {
  if (!a)
    return {
      ...b,
      communities: sortedUnique(b.communities),
      largeCommunities: uniqueLarge(b.largeCommunities),
    };
  const prefs = [a.localPref, b.localPref].filter((x) => x !== undefined);
  return {
    prefix: a.prefix,
    localPref: prefs.length > 0 ? Math.max(...prefs) : undefined,
    communities: sortedUnique([...a.communities, ...b.communities]),
    largeCommunities: uniqueLarge([...a.largeCommunities, ...b.largeCommunities]),
    services: [...new Set([...a.services, ...b.services])].sort(),
  };
}

const sortedUnique = (xs: readonly number[]) => [...new Set(xs)].sort((x, y) => x - y);

function uniqueLarge(xs: readonly (readonly [number, number, number])[]): [number, number, number][] {
  const seen = new Map<string, [number, number, number]>();
  for (const x of xs) seen.set(x.join(':'), [x[0], x[1], x[2]]);
  return [...seen.values()].sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
}

/**
 * The route as sent on one session: ORIGIN IGP; to an eBGP peer an AS_PATH of this node's AS, to an
 * iBGP peer an empty one with LOCAL_PREF (100 unless an advertisement set one, as routers assume);
 * the next hop is the session's local address, which is this node.
 */
export function wireRoute(intent: RouteIntent, peer: BgpPeerConfig, nextHop: Address): Route {
  const internal = isInternal(peer);
  return {
    prefix: intent.prefix,
    nextHop,
    attributes: {
      origin: 0,
      asPath: internal ? [] : [{ type: 2, asns: [peer.myAsn] }],
      ...(internal ? { localPref: intent.localPref ?? 100 } : {}),
      ...(intent.communities.length > 0 ? { communities: intent.communities } : {}),
      ...(intent.largeCommunities.length > 0 ? { largeCommunities: intent.largeCommunities } : {}),
    },
  };
}
