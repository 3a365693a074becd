import { access, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../../src/lab/lab.js';
import { eventually } from './test-lab.js';

/** Where Debian's frr package puts its daemons. */
const FRR_LIB = '/usr/lib/frr';

export interface FrrNeighbor {
  readonly ip: string;
  readonly asn: number;
  readonly password?: string;
}

/** BFD for every neighbour, through bfdd, with one profile (intervals in ms). */
export interface FrrBfd {
  readonly receiveMs: number;
  readonly transmitMs: number;
  readonly multiplier: number;
}

export interface FrrRouter {
  /** `vtysh -c <command>` against this router, its JSON output parsed. */
  json(command: string): Promise<unknown>;
  /** Runs commands in one vtysh session, in order (e.g. a configuration change); returns its output. */
  vtysh(commands: readonly string[]): Promise<string>;
  /**
   * With BFD: waits until bgpd sees the BFD sessions with `ips` Up, making bgpd their client again
   * where one is not. bgpd registers through zebra, and a registration made before bfdd has connected
   * is lost (a start-up race of FRR in the lab, not of BareLB); without it, BFD going down would not
   * drop routes. A session that is Up is left alone: registering again starts by deregistering, and
   * bfdd then sends the peer Down, which takes a healthy node's BGP session down with it.
   */
  bfdReady(ips: readonly string[], timeoutMs?: number): Promise<void>;
  /** Waits until bgpd has every one of `ips` Established. */
  established(ips: readonly string[], timeoutMs?: number): Promise<void>;
  /** The router's kernel routes for `prefix` (`ip [-6] route show <prefix>`), one line per route. */
  kernelRoutes(prefix: string): Promise<string>;
  /**
   * bgpd's log so far. A NOTIFICATION received on a connection the router accepted shows only here:
   * bgpd counts it against the connection, not the configured neighbour `show bgp neighbors` reports.
   */
  log(): Promise<string>;
}

/**
 * A real router for BGP tests (issue 17): FRR's zebra and bgpd from Debian's frr package, run as lab
 * processes in the lab's router namespace, with every file in the lab's state directory. The
 * neighbours are passive: BareLB connects, as it always does. eBGP routes are accepted without a
 * policy (`no bgp ebgp-requires-policy`) and installed in the router's kernel table by zebra, with
 * one next hop per speaker (multipath).
 */
export async function startFrr(
  lab: Lab,
  asn: number,
  neighbors: readonly FrrNeighbor[],
  /** More addresses for bgpd to listen on (it listens on the router's segment IPv4 address). */
  extraListen: readonly string[] = [],
  bfd?: FrrBfd,
): Promise<FrrRouter> {
  await lab.addRouter();
  const dir = join(lab.stateDir, 'frr');
  await mkdir(dir, { recursive: true });
  const routerId = lab.addresses.routerIp;
  const conf = [
    'hostname lab-router',
    'log stdout informational',
    '!',

    `router bgp ${asn}`,
    ` bgp router-id ${routerId}`,
    ' no bgp ebgp-requires-policy',
    ' bgp log-neighbor-changes',
    ' bgp bestpath as-path multipath-relax',
    ...neighbors.flatMap((n) => [
      ` neighbor ${n.ip} remote-as ${n.asn}`,
      ` neighbor ${n.ip} passive`,
      ` neighbor ${n.ip} timers connect 1`,
      ...(n.password ? [` neighbor ${n.ip} password ${n.password}`] : []),
      ...(bfd ? [` neighbor ${n.ip} bfd profile lab`] : []),
    ]),
    ' address-family ipv4 unicast',
    '  maximum-paths 16',
    '  maximum-paths ibgp 16',
    ' exit-address-family',
    // IPv6 neighbours carry IPv6 unicast (MP-BGP, RFC 4760), which FRR activates only when told.
    ' address-family ipv6 unicast',
    '  maximum-paths 16',
    '  maximum-paths ibgp 16',
    ...neighbors.filter((n) => n.ip.includes(':')).map((n) => `  neighbor ${n.ip} activate`),
    ' exit-address-family',
    '!',
  ].join('\n');
  const confFile = join(dir, 'frr.conf');
  await writeFile(confFile, `${conf}\n`);
  // The daemons run as the package's frr user (they keep the capabilities they need): Debian's build
  // wants the daemon user in the frrvty group, which root is not. It must own their directory.
  const frr = await frrIds();
  for (const f of [dir, confFile]) await chown(f, frr.uid, frr.gid);
  const ns = lab.namespaceOf('router');
  const common = ['-u', 'frr', '-g', 'frr', '--vty_socket', dir, '-z', join(dir, 'zserv.api')];
  await lab.startComponent({
    name: 'router-zebra',
    ns,
    cmd: join(FRR_LIB, 'zebra'),
    args: [...common, '-i', join(dir, 'zebra.pid'), '-f', confFile],
    logFile: join(lab.paths().logs, 'router-zebra.log'),
  });
  // bfdd and bgpd connect to zebra's socket once at start and, when it is not there yet, retry only
  // after 10 s; a BFD registration bgpd makes meanwhile is lost. On a loaded machine zebra was that
  // late twice running (CI, 2026-12-04: "BFD session ... was not installed", zebra's "client says
  // hello" 10 s after its start), so the other daemons start once the socket exists.
  await eventually(
    "zebra's socket",
    async () => {
      await access(join(dir, 'zserv.api'));
      return true;
    },
    10_000,
  );
  // bfdd before bgpd: bgpd registers its BFD peers through zebra as sessions come up, and a
  // registration made before bfdd is there is not replayed reliably.
  if (bfd) {
    // bfdd's own file: a daemon reading another's blocks stops understanding the rest of the file.
    const bfdConf = join(dir, 'bfdd.conf');
    await writeFile(
      bfdConf,
      [
        'bfd',
        ' profile lab',
        `  receive-interval ${bfd.receiveMs}`,
        `  transmit-interval ${bfd.transmitMs}`,
        `  detect-multiplier ${bfd.multiplier}`,
        '',
      ].join('\n'),
    );
    await chown(bfdConf, frr.uid, frr.gid);
    await lab.startComponent({
      name: 'router-bfdd',
      ns,
      cmd: join(FRR_LIB, 'bfdd'),
      // Its control socket in the lab's directory: the default path is one per machine.
      args: [...common, '-i', join(dir, 'bfdd.pid'), '-f', bfdConf, '--bfdctl', join(dir, 'bfdd.sock')],
      logFile: join(lab.paths().logs, 'router-bfdd.log'),
    });
  }
  await lab.startComponent({
    name: 'router-bgpd',
    ns,
    cmd: join(FRR_LIB, 'bgpd'),
    args: [
      ...common,
      '-i',
      join(dir, 'bgpd.pid'),
      '-f',
      confFile,
      ...[routerId, ...extraListen].flatMap((a) => ['-l', a]),
    ],
    logFile: join(lab.paths().logs, 'router-bgpd.log'),
  });
  /** bgpd's neighbours, by address: what the waits below read. */
  const bgpNeighbors = async () =>
    (await router.json('show bgp neighbors json')) as Record<
      string,
      { bgpState?: string; peerBfdInfo?: { status?: string } }
    >;
  const router: FrrRouter = {
    async vtysh(commands) {
      const r = await lab.exec('router', [
        'vtysh',
        '--vty_socket',
        dir,
        ...commands.flatMap((c) => ['-c', c]),
      ]);
      return r.stdout;
    },
    async bfdReady(ips, timeoutMs = 30_000) {
      // Only the sessions that are not Up: deregistering one that is makes bfdd send the peer Down
      // (FRR's session delete), and a BareLB speaker then drops its BGP session, as BFD asks. The
      // bench's rounds did that to every healthy node before each kill (2026-12-04: one round's
      // victim was in the middle of reconnecting when killed, and the router kept its route).
      const register = async (which: readonly string[]) => {
        for (const ip of which)
          await router.vtysh([
            'configure terminal',
            `router bgp ${asn}`,
            `no neighbor ${ip} bfd`,
            `neighbor ${ip} bfd profile lab`,
          ]);
      };
      let polls = 0;
      await eventually(
        `bgpd to see BFD Up for ${ips.join(', ')}`,
        async () => {
          const s = await bgpNeighbors();
          const missing = ips.filter((ip) => s[ip]?.peerBfdInfo?.status !== 'Up');
          if (missing.length === 0) return true;
          // After a second, then every 5 s (eventually polls every 100 ms): bgpd hears of a session
          // through zebra, after bfdd, so one bfdd has just brought Up can still look down here; and
          // a registration can be lost while a daemon reconnects to zebra.
          if (polls++ % 50 === 10) await register(missing);
          return undefined;
        },
        timeoutMs,
      );
    },
    async established(ips, timeoutMs = 60_000) {
      await eventually(
        `bgpd to have ${ips.join(', ')} Established`,
        async () => {
          const s = await bgpNeighbors();
          return ips.every((ip) => s[ip]?.bgpState === 'Established') ? true : undefined;
        },
        timeoutMs,
      );
    },
    async json(command) {
      const r = await lab.exec('router', ['vtysh', '--vty_socket', dir, '-c', command]);
      return JSON.parse(r.stdout) as unknown;
    },
    log: () => readFile(join(lab.paths().logs, 'router-bgpd.log'), 'utf8'),
    async kernelRoutes(prefix) {
      const family = prefix.includes(':') ? ['-6'] : [];
      return (await lab.exec('router', ['ip', ...family, 'route', 'show', prefix])).stdout.trim();
    },
  };
  // bgpd answers vtysh once it has read its configuration.
  for (let i = 0; ; i++) {
    try {
      await router.json('show bgp summary json');
      return router;
    } catch (err) {
      if (i >= 50) throw err;
      await sleep(200);
    }
  }
}

/** The frr user's uid and gid, which Debian's frr package creates. */
async function frrIds(): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith('frr:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('no frr user: install the frr package (scripts/setup.sh)');
  return { uid: Number(uid), gid: Number(gid) };
}
