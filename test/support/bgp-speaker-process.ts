import { join } from 'node:path';
import type { Lab } from '../../src/lab/lab.js';

/** The ASNs the BGP tests use: the nodes' and the lab router's. */
export const NODE_ASN = 64512;
export const ROUTER_ASN = 64513;

/**
 * Starts bgp-peer-process.ts as lab component `name` in `node`'s namespace: a session to the lab
 * router from the node's segment address, with `options` (see that file's Options) over defaults.
 */
export function startBgpProcess(lab: Lab, name: string, node: string, options: Record<string, unknown>) {
  return lab.startComponent({
    name,
    ns: lab.namespaceOf(node),
    cmd: process.execPath,
    args: [
      '--import',
      'tsx',
      join('test', 'support', 'bgp-peer-process.ts'),
      JSON.stringify({
        peer: lab.addresses.routerIp,
        source: lab.nodeIp(node),
        myAsn: NODE_ASN,
        peerAsn: ROUTER_ASN,
        holdTimeS: 9,
        ips: [],
        ...options,
      }),
    ],
    logFile: join(lab.paths().logs, `${name}.log`),
    stopBoundMs: 5_000,
  });
}
