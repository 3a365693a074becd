import {
  advertisementCoversPool,
  advertisementSelectsService,
  type Config,
  type LabelSelector,
  matchesAny,
} from '../config/index.js';
import type { L2AdvertisementConfig, PoolConfig } from '../config/types.js';
import { parseAddress } from '../net/address.js';
import { rangeContains } from '../net/range.js';
import { addressGroups } from './address-groups.js';
import type { NodeFacts } from './heartbeat-codec.js';
import { rankCandidates } from './owner-ranking.js';

/** A node as the election sees it. */
export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Why the node may not announce (see nodeExclusion), if it may not. */
  readonly excluded: string | undefined;
}

/** A LoadBalancer Service with IPs, as the election sees it. */
export interface ServiceView {
  readonly key: string;
  readonly ips: readonly string[];
  /** The pool its IPs came from (the controller's annotation), if known. */
  readonly pool: string | undefined;
  readonly local: boolean;
  /** Nodes holding a ready endpoint of the Service, from EndpointSlices. */
  readonly endpointNodes: ReadonlySet<string>;
  /** The Service's labels, for L2Advertisements' serviceSelectors. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface ElectionChecks {
  /** Require kube-proxy /healthz on the node. */
  readonly kubeProxy: boolean;
  /** For Local Services, trust the node's healthCheckNodePort probe (else its EndpointSlices). */
  readonly healthCheckNodePort: boolean;
  /** Require a TCP connect to the Service's nodePort on the node. */
  readonly nodePort: boolean;
}

export interface ElectionInput {
  readonly nodes: readonly NodeView[];
  readonly alive: (node: string) => boolean;
  readonly facts: (node: string) => NodeFacts | undefined;
  readonly config: Config;
  readonly services: readonly ServiceView[];
  readonly checks: ElectionChecks;
}

/** The outcome for one IP. */
export interface IpOwnership {
  readonly ip: string;
  readonly services: readonly string[];
  readonly pool: string | undefined;
  /** Candidates best first; the first owns the IP. */
  readonly ranking: readonly string[];
  readonly owner: string | undefined;
  /** Interfaces each candidate may announce on ('any' = the speaker's default choice). */
  readonly interfaces: ReadonlyMap<string, ReadonlySet<string> | 'any'>;
}

/**
 * Elects the owner of every service IP from facts every speaker shares: Node objects, Services,
 * EndpointSlices, the config, and each node's published probe results. Pure and deterministic, so
 * every speaker reaches the same answer. All the addresses of one Service, and all Services sharing
 * an address, form a group with one owner (see addressGroups): a node must be able to announce every
 * address of the group and serve all its Services (if none serves all, any that serves one). Only
 * when no node can announce every address of a group (advertisements for its pools select disjoint
 * nodes) does each address get its own owner.
 */
export function electOwners(input: ElectionInput): Map<string, IpOwnership> {
  const out = new Map<string, IpOwnership>();
  for (const group of addressGroups(input.services)) {
    const perIp = group.ips.map((ip) => announceable(ip, group.services, input));
    const together = perIp.reduce<string[] | undefined>(
      (acc, a) => (acc === undefined ? [...a.interfaces.keys()] : acc.filter((n) => a.interfaces.has(n))),
      undefined,
    );
    if (together && together.length > 0) {
      const ranking = rankCandidates(group.key, serving(together, group.services, input));
      for (const a of perIp) out.set(a.ip, { ...a, ranking, owner: ranking[0] });
      continue;
    }
    for (const a of perIp) {
      const services = group.services.filter((s) => s.ips.includes(a.ip));
      const ranking = rankCandidates(a.ip, serving([...a.interfaces.keys()], services, input));
      out.set(a.ip, { ...a, ranking, owner: ranking[0] });
    }
  }
  return out;
}

/** The nodes that may announce `ip` (alive, not excluded, healthy, advertised), with their interfaces. */
function announceable(
  ip: string,
  groupServices: readonly ServiceView[],
  input: ElectionInput,
): Omit<IpOwnership, 'ranking' | 'owner'> {
  const services = groupServices.filter((s) => s.ips.includes(ip));
  const pool = poolOf(ip, services, input.config);
  const interfaces = new Map<string, ReadonlySet<string> | 'any'>();
  for (const node of input.nodes) {
    if (!input.alive(node.name) || !nodeHealthy(node, input.facts(node.name), input.checks)) continue;
    const ifs = pool ? advertisedInterfaces(input.config.l2Advertisements, pool, node, services) : undefined;
    if (ifs) interfaces.set(node.name, ifs);
  }
  return { ip, services: services.map((s) => s.key).sort(), pool: pool?.name, interfaces };
}

/** Of `nodes`, those serving every Service; if none does, those serving at least one. */
function serving(nodes: readonly string[], services: readonly ServiceView[], input: ElectionInput): string[] {
  const serves = (node: string, s: ServiceView) => servesService(node, s, input);
  const all = nodes.filter((n) => services.every((s) => serves(n, s)));
  return all.length > 0 ? all : nodes.filter((n) => services.some((s) => serves(n, s)));
}

function servesService(node: string, s: ServiceView, input: ElectionInput): boolean {
  return nodeServes(node, input.facts(node), s, input.checks);
}

/**
 * Whether `node`, with the probe facts it published, can deliver `s`'s traffic: its nodePort answers
 * (when checked), and for externalTrafficPolicy Local it holds a ready endpoint (its healthCheckNodePort
 * says so, or the EndpointSlices); a Cluster Service needs an endpoint anywhere. Layer 2's election and
 * BGP mode's plan both ask this.
 */
export function nodeServes(
  node: string,
  facts: NodeFacts | undefined,
  s: ServiceView,
  checks: ElectionChecks,
): boolean {
  if (checks.nodePort && facts?.nodePortDown.includes(s.key)) return false;
  if (s.local) {
    return checks.healthCheckNodePort
      ? (facts?.localEndpoints.includes(s.key) ?? false)
      : s.endpointNodes.has(node);
  }
  return s.endpointNodes.size > 0;
}

/**
 * Whether `node`'s data path may carry traffic at all: not excluded by label, its speaker neither
 * leaving nor warming up, kube-proxy healthy (when checked). Layer 2 also needs it alive by heartbeat.
 */
export function nodeHealthy(node: NodeView, facts: NodeFacts | undefined, checks: ElectionChecks): boolean {
  if (node.excluded || !facts || facts.leaving || facts.warmingUp === true) return false;
  return !checks.kubeProxy || facts.kubeProxyHealthy;
}

function poolOf(ip: string, services: readonly ServiceView[], config: Config): PoolConfig | undefined {
  for (const s of services) {
    const p = s.pool ? config.pools.get(s.pool) : undefined;
    if (p) return p;
  }
  const a = parseAddress(ip);
  if (!a) return undefined;
  for (const p of config.pools.values()) if (p.ranges.some((r) => rangeContains(r, a))) return p;
  return undefined;
}

/**
 * Interfaces the advertisements covering `pool`, `node` and every one of `services` (those holding the IP)
 * allow, or undefined when none covers them. An IP is one ARP/NDP answer for all the Services sharing it, so
 * announcing it through an advertisement that selects only some of them would announce the others too:
 * such an advertisement is left out for that IP (MetalLB v0.16 decides per Service, and so can announce a
 * shared IP from nodes one of its Services did not ask for).
 */
function advertisedInterfaces(
  ads: readonly L2AdvertisementConfig[],
  pool: PoolConfig,
  node: NodeView,
  services: readonly ServiceView[],
): ReadonlySet<string> | 'any' | undefined {
  let any = false;
  const named = new Set<string>();
  let covered = false;
  for (const ad of ads) {
    if (!advertisementCoversPool(ad, pool)) continue;
    if (!services.every((s) => advertisementSelectsService(ad, s.labels))) continue;
    if (ad.nodeSelectors.length > 0 && !matchesAny(ad.nodeSelectors as LabelSelector[], node.labels))
      continue;
    covered = true;
    if (ad.interfaces.length === 0) any = true;
    for (const i of ad.interfaces) named.add(i);
  }
  if (!covered) return undefined;
  return any ? 'any' : named;
}
