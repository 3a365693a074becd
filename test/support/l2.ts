import type { Lab } from '../../src/lab/lab.js';

/** The MAC of a node's lab interface. */
export async function nodeMac(lab: Lab, node: string): Promise<string> {
  const r = await lab.exec(node, ['ip', '-o', 'link', 'show', 'eth0']);
  const m = /link\/ether ([0-9a-f:]{17})/.exec(r.stdout);
  if (!m?.[1]) throw new Error(`no MAC for ${node}: ${r.stdout}`);
  return m[1];
}

/** Every node's MAC, keyed by MAC. */
export async function macsToNodes(lab: Lab): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const n of lab.nodes) out.set(await nodeMac(lab, n), n);
  return out;
}

/**
 * Asks "who has <ip>" from the client with arping and returns the nodes that answered (one entry per
 * reply; MACs that are no node's are returned as they are). Debian's arping prints
 * `60 bytes from aa:bb:cc:dd:ee:ff (198.18.1.10): index=0 time=0.5 msec`; iputils' prints
 * `Unicast reply from 198.18.1.10 [AA:BB:CC:DD:EE:FF]  0.7ms`. Both are read.
 */
export async function arpingAnswers(lab: Lab, ip: string, count = 3): Promise<string[]> {
  const r = await lab.exec(
    'client',
    ['arping', '-c', String(count), '-w', String(count + 1), '-I', 'eth0', ip],
    { check: false },
  );
  const replies = r.stdout.matchAll(/reply from \S+ \[([0-9A-Fa-f:]{17})\]|bytes from ([0-9A-Fa-f:]{17}) /g);
  const macs = [...replies].map((m) => (m[1] ?? m[2] ?? '').toLowerCase());
  const byMac = await macsToNodes(lab);
  return macs.map((m) => byMac.get(m) ?? m);
}

/** The node the client's neighbour table points at for `ip`, if any. */
export async function clientNeighbour(lab: Lab, ip: string): Promise<string | undefined> {
  const r = await lab.exec('client', ['ip', 'neigh', 'show', ip], { check: false });
  const mac = /lladdr ([0-9a-f:]{17})/.exec(r.stdout)?.[1];
  if (!mac) return undefined;
  return (await macsToNodes(lab)).get(mac) ?? mac;
}

/** The node BareLB reports as announcing a Service (its ServiceL2Status). */
export async function announcedBy(
  lab: Lab,
  service: string,
  namespace = 'default',
): Promise<string | undefined> {
  const r = await lab.exec(
    'cp',
    [
      'kubectl',
      '-n',
      'barelb-system',
      'get',
      'servicel2status',
      `${namespace}.${service}`,
      '-o',
      'jsonpath={.status.node}',
    ],
    {
      check: false,
    },
  );
  return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
}

/**
 * The node a Cluster-policy request entered through, from the source address the pod saw: kube-proxy
 * SNATs to the entry node's address on the way out (its lab address, or its pod gateway when the pod
 * is local to it).
 */
export function entryNode(lab: Lab, client: string): string | undefined {
  return lab.nodes.find((n, i) => lab.nodeIp(n) === client || lab.addresses.podGateways[i] === client);
}
