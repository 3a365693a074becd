/**
 * The lab's address plan. Every address comes from 198.18.0.0/15 (RFC 2544 benchmarking space, never
 * routed on the Internet), so nothing the lab does can collide with or reach a real network. Each lab
 * gets a /20 block of 198.18.0.0/16 for its segment and services, and the matching /20 of
 * 198.19.0.0/16 for pod networks, so up to 16 labs run side by side.
 *
 *   198.18.B.0/23      the L2 segment (bridge): cp .1, nodes .11.., router .240, client .250; B+1.0/24 is the
 *                      LoadBalancer range the sample pool hands out (on-link for the client)
 *   198.18.B+4.0/22    Service ClusterIPs (IPv4)
 *   198.18.B+14.0/24   behind the BGP router (issue 17): router .1, the far client .2; reached only
 *                      through the router, so traffic from there proves the routes BGP gave it
 *   198.18.B+15.0/30   the one link from the host into the lab (host .1, cp .2): tests and users reach
 *                      the apiserver through it; it routes nothing else
 *   198.19.B+n.0/24    pod network of node n
 *   2002:c612:BB04::/112  Service ClusterIPs (IPv6): the 6to4 prefix of 198.18.B.0, so even the IPv6
 *                      range is derived from 198.18.0.0/15 and never a real network
 */
export const MAX_LABS = 16;
export const MAX_NODES = 14;

export interface LabAddresses {
  readonly index: number;
  readonly segmentCidr: string;
  readonly segmentPrefix: number;
  readonly cpIp: string;
  readonly clientIp: string;
  /** The BGP router's address on the segment (issue 17). */
  readonly routerIp: string;
  /** The network behind the router, its address there, and the far client's (target `far`). */
  readonly farCidr: string;
  readonly farRouterIp: string;
  readonly farClientIp: string;
  readonly nodeIps: readonly string[];
  readonly podCidrs: readonly string[];
  readonly podGateways: readonly string[];
  readonly clusterCidr: string;
  readonly serviceCidrV4: string;
  readonly serviceCidrV6: string;
  readonly hostLinkHostIp: string;
  readonly hostLinkCpIp: string;
  readonly lbPoolV4: string;
  /** The route lab namespaces may have: this block and nothing wider. */
  readonly labRoute: string;
}

export function labAddresses(index: number, nodes: number): LabAddresses {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_LABS) {
    throw new RangeError(`lab index ${index} out of range 0..${MAX_LABS - 1}`);
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new RangeError(`node count ${nodes} out of range 1..${MAX_NODES}`);
  }
  const b = index * 16;
  const seq = Array.from({ length: nodes }, (_, i) => i + 1);
  return {
    index,
    segmentCidr: `198.18.${b}.0/23`,
    segmentPrefix: 23,
    cpIp: `198.18.${b}.1`,
    clientIp: `198.18.${b}.250`,
    routerIp: `198.18.${b}.240`,
    farCidr: `198.18.${b + 14}.0/24`,
    farRouterIp: `198.18.${b + 14}.1`,
    farClientIp: `198.18.${b + 14}.2`,
    nodeIps: seq.map((n) => `198.18.${b}.${10 + n}`),
    podCidrs: seq.map((n) => `198.19.${b + n}.0/24`),
    podGateways: seq.map((n) => `198.19.${b + n}.1`),
    clusterCidr: `198.19.${b}.0/20`,
    serviceCidrV4: `198.18.${b + 4}.0/22`,
    serviceCidrV6: `2002:c612:${b.toString(16).padStart(2, '0')}04::/112`,
    hostLinkHostIp: `198.18.${b + 15}.1`,
    hostLinkCpIp: `198.18.${b + 15}.2`,
    lbPoolV4: `198.18.${b + 1}.10-198.18.${b + 1}.250`,
    labRoute: `198.18.0.0/15`,
  };
}

/** The address of pod number `k` (1-based) on node `n` (1-based). */
export function podIp(addrs: LabAddresses, node: number, k: number): string {
  const cidr = addrs.podCidrs[node - 1];
  if (!cidr || k < 1 || k > 250) throw new RangeError(`no pod address ${k} on node ${node}`);
  const base = cidr.split('.').slice(0, 3).join('.');
  return `${base}.${k + 1}`;
}

/**
 * The lowest pod number free on a node, given the addresses its pods hold (pod k has host part k+1), so
 * a removed pod's address is reused before the node's range grows.
 */
export function freePodSlot(usedIps: readonly string[]): number {
  const used = new Set(usedIps.map((ip) => Number(ip.split('.')[3]) - 1));
  let k = 1;
  while (used.has(k)) k++;
  return k;
}

/** The first address of a Service CIDR: the apiserver's own ClusterIP, which its certificate must name. */
export function firstServiceIp(cidr: string): string {
  const [base = ''] = cidr.split('/');
  const parts = base.split('.');
  return `${parts.slice(0, 3).join('.')}.${Number(parts[3]) + 1}`;
}
