/**
 * What BGP mode's plan (bgp/bgp-plan.ts) needs, from what the speaker already gathers for layer 2
 * (pure): this node's labels and health, and for each Service whether this node serves it. The same
 * facts and rules as layer 2's election (nodeHealthy, nodeServes), so the two modes never disagree on
 * whether a node's data path works; only who announces differs (every serving node, not one).
 */
import { isIP } from 'node:net';
import type { BgpSelf, BgpService } from '../bgp/bgp-plan.js';
import type { NodeAddresses } from '../bgp/session-settings.js';
import {
  type ElectionChecks,
  type NodeView,
  nodeHealthy,
  nodeServes,
  type ServiceView,
} from '../election/candidates.js';
import type { NodeFacts } from '../election/heartbeat-codec.js';

export function bgpInputs(
  self: string,
  nodes: readonly NodeView[],
  ownFacts: NodeFacts,
  services: readonly ServiceView[],
  checks: ElectionChecks,
): { readonly self: BgpSelf; readonly services: readonly BgpService[] } {
  const node = nodes.find((n) => n.name === self);
  return {
    self: {
      name: self,
      labels: node?.labels ?? {},
      // A node missing from the API's list is not known to be ours to announce from.
      healthy: node !== undefined && nodeHealthy(node, ownFacts, checks),
    },
    services: services.map((s) => ({
      key: s.key,
      ips: s.ips,
      pool: s.pool,
      servedHere: nodeServes(self, ownFacts, s, checks),
    })),
  };
}

/**
 * This node's next hops, one per family, from its Node object: the InternalIP of each family, else
 * the ExternalIP. The router reaches the node where the cluster does; a session with sourceAddress
 * uses that instead (session-settings.ts).
 */
export function nodeAddresses(addresses: readonly { type: string; address: string }[]): NodeAddresses {
  const pick = (family: 4 | 6) =>
    (['InternalIP', 'ExternalIP'] as const)
      .map((type) => addresses.find((a) => a.type === type && isIP(a.address) === family)?.address)
      .find((a) => a !== undefined);
  return { IPv4: pick(4), IPv6: pick(6) };
}
