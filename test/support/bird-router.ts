import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/lab.js';
import { eventually } from './test-lab.js';

export interface BirdNeighbor {
  /** A name BIRD accepts for a protocol: letters, digits and underscores. */
  readonly name: string;
  readonly ip: string;
  readonly asn: number;
}

export interface BirdRouter {
  /** `birdc <command>` against this router, its text output. */
  birdc(command: string): Promise<string>;
  /** The router's kernel routes for `prefix` (`ip route show <prefix>`). */
  kernelRoutes(prefix: string): Promise<string>;
}

/**
 * The second real router for BGP tests (issue 17): BIRD 2 from Debian's bird2 package, one process in
 * the lab's router namespace with its files in the lab's state directory. Like the FRR router, its
 * neighbours are passive (BareLB connects), routes are accepted without a policy, and the kernel
 * protocol installs them with one next hop per speaker (`merge paths`: ECMP).
 */
export async function startBird(
  lab: Lab,
  asn: number,
  neighbors: readonly BirdNeighbor[],
  /**
   * `far`: BIRD runs in the namespace behind the lab router instead, two hops from the nodes, with
   * multihop sessions (eBGP multi-hop).
   */
  where: 'router' | 'far' = 'router',
): Promise<BirdRouter> {
  await lab.addRouter();
  const dir = join(lab.stateDir, where === 'router' ? 'bird' : 'bird-far');
  await mkdir(dir, { recursive: true });
  const id = where === 'router' ? lab.addresses.routerIp : lab.addresses.farClientIp;
  const conf = [
    `router id ${id};`,
    'protocol device {}',
    'protocol kernel {',
    '  ipv4 { export all; };',
    '  merge paths on;',
    '}',
    'template bgp speakers {',
    `  local as ${asn};`,
    '  passive on;',
    ...(where === 'far' ? ['  multihop;'] : []),
    '  ipv4 { import all; export none; };',
    '}',
    ...neighbors.map((n) => `protocol bgp ${n.name} from speakers { neighbor ${n.ip} as ${n.asn}; }`),
  ].join('\n');
  const confFile = join(dir, 'bird.conf');
  const socket = join(dir, 'bird.ctl');
  await writeFile(confFile, `${conf}\n`);
  await lab.startComponent({
    name: where === 'router' ? 'router-bird' : 'far-bird',
    ns: lab.namespaceOf(where),
    cmd: '/usr/sbin/bird',
    // -f: in the foreground, so the lab owns the process and stops it.
    args: ['-f', '-c', confFile, '-s', socket, '-P', join(dir, 'bird.pid')],
    logFile: join(lab.paths().logs, `${where}-bird.log`),
  });
  const router: BirdRouter = {
    async birdc(command) {
      return (await lab.exec(where, ['birdc', '-s', socket, ...command.split(' ')])).stdout;
    },
    async kernelRoutes(prefix) {
      return (await lab.exec(where, ['ip', 'route', 'show', prefix])).stdout.trim();
    },
  };
  // birdc answers once BIRD has read its configuration.
  await eventually(
    'BIRD answering birdc',
    async () => (await router.birdc('show status')) || undefined,
    10_000,
  );
  return router;
}
