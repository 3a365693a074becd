import type { LabAddresses } from './addressing.js';
import { ipBatch, run } from './command.js';
import type { LabNames } from './names.js';

/**
 * Builds the lab's L2 segment: a bridge in the control-plane namespace, one veth per node and one for
 * the client, plus the single host<->cp link through which tests reach the apiserver. Lab namespaces
 * get routes for 198.18.0.0/15 only and the control plane does not forward, so no packet can leave.
 */
export async function createSegment(
  names: LabNames,
  addrs: LabAddresses,
  nodes: readonly string[],
): Promise<void> {
  const p = addrs.segmentPrefix;
  await ipBatch(
    [`link set lo up`, `link add br0 type bridge`, `addr add ${addrs.cpIp}/${p} dev br0`, `link set br0 up`],
    names.cpNs,
  );

  // Host link: the host end stays in the root namespace with a /30, so its only route is that /30.
  await ipBatch([
    `link add ${names.hostLink} type veth peer name host netns ${names.cpNs}`,
    `addr add ${addrs.hostLinkHostIp}/30 dev ${names.hostLink}`,
    `link set ${names.hostLink} up`,
  ]);
  await ipBatch([`addr add ${addrs.hostLinkCpIp}/30 dev host`, `link set host up`], names.cpNs);

  for (const [i, node] of nodes.entries()) {
    await attachToBridge(names, node, names.nodeNs(node), `${addrs.nodeIps[i]}/${p}`);
  }
  // Replies to pods that call the apiserver (through the `kubernetes` Service) go back via their node,
  // as a cluster network routes them. The control plane still forwards nothing.
  await ipBatch(
    addrs.podCidrs.map((cidr, i) => `route replace ${cidr} via ${addrs.nodeIps[i]} dev br0`),
    names.cpNs,
  );
  await attachToBridge(names, 'client', names.clientNs, `${addrs.clientIp}/${p}`);
}

/** A router's namespace on the segment (BGP mode, issue 17), like the client's. */
export async function createRouterNamespace(names: LabNames, addrs: LabAddresses): Promise<void> {
  await run('ip', ['netns', 'add', names.routerNs]);
  await attachToBridge(names, 'router', names.routerNs, `${addrs.routerIp}/${addrs.segmentPrefix}`);
  // The far client: one veth from the router, so its only way to a LoadBalancer IP is the route BGP
  // gave the router. Its route covers the lab's block and nothing wider.
  await run('ip', ['netns', 'add', names.farNs]);
  const prefix = addrs.farCidr.split('/')[1];
  await ipBatch(
    [
      `link add far0 type veth peer name eth0 netns ${names.farNs}`,
      `addr add ${addrs.farRouterIp}/${prefix} dev far0`,
      `link set far0 up`,
    ],
    names.routerNs,
  );
  await run('ip', ['netns', 'exec', names.routerNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  await ipBatch(
    [
      'link set lo up',
      `addr add ${addrs.farClientIp}/${prefix} dev eth0`,
      'link set eth0 up',
      `route add ${addrs.labRoute} via ${addrs.farRouterIp} dev eth0`,
    ],
    names.farNs,
  );
}

async function attachToBridge(names: LabNames, port: string, ns: string, cidr: string): Promise<void> {
  await ipBatch(
    [
      `link add ${port} type veth peer name eth0 netns ${ns}`,
      `link set ${port} master br0`,
      `link set ${port} up`,
    ],
    names.cpNs,
  );
  await ipBatch([`link set lo up`, `addr add ${cidr} dev eth0`, `link set eth0 up`], ns);
}

/**
 * Gives node `index` (0-based) its pod bridge and routes to the other nodes' pod networks, and turns
 * on forwarding inside the node namespace (a per-namespace setting) so it can route for its pods.
 */
export async function createNodePodNetwork(
  ns: string,
  addrs: LabAddresses,
  index: number,
  /** False on real nodes: their CNI bridge plugin makes the bridge when the first pod comes. */
  withBridge = true,
): Promise<void> {
  const gw = addrs.podGateways[index];
  if (withBridge)
    await ipBatch([`link add cbr0 type bridge`, `addr add ${gw}/24 dev cbr0`, `link set cbr0 up`], ns);
  await restoreNodeRoutes(ns, addrs, index);
  await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
}

/** A pod: its own namespace behind the node's pod bridge, routed to the rest of the lab via the node. */
export async function createPodNetwork(
  nodeNs: string,
  podNs: string,
  vethName: string,
  podIp: string,
  gateway: string,
  labRoute: string,
): Promise<void> {
  await run('ip', ['netns', 'add', podNs]);
  await ipBatch(
    [
      `link add ${vethName} type veth peer name eth0 netns ${podNs}`,
      `link set ${vethName} master cbr0`,
      `link set ${vethName} up`,
    ],
    nodeNs,
  );
  await ipBatch(
    [
      `link set lo up`,
      `addr add ${podIp}/24 dev eth0`,
      `link set eth0 up`,
      `route add ${labRoute} via ${gateway} dev eth0`,
    ],
    podNs,
  );
}

/**
 * Routes to the other nodes' pod networks (set up, and restored after a link was down), and to the
 * Service range via the control plane: a node process (a hostNetwork pod) reaching a ClusterIP needs
 * a route before kube-proxy's rules rewrite the address (a real node has its default route for that).
 * Nothing goes past the control plane, which does not forward.
 */
export async function restoreNodeRoutes(ns: string, addrs: LabAddresses, index: number): Promise<void> {
  const lines: string[] = [
    `route replace ${addrs.serviceCidrV4} via ${addrs.cpIp} dev eth0`,
    // The network behind the BGP router (Lab.addRouter), as a node's default gateway would lead
    // there; set whether or not the router exists yet, so a revived node keeps it.
    `route replace ${addrs.farCidr} via ${addrs.routerIp} dev eth0`,
  ];
  for (const [j, cidr] of addrs.podCidrs.entries()) {
    if (j !== index) lines.push(`route replace ${cidr} via ${addrs.nodeIps[j]} dev eth0`);
  }
  await ipBatch(lines, ns);
}
