import { readdirSync, readFileSync } from 'node:fs';
import { type Address, parseAddress } from '../net/address.js';
import { type Mac, parseMac } from './ethernet.js';

/** What the speaker needs to know about a network interface, read from sysfs and procfs. */
export interface LinkInfo {
  readonly name: string;
  readonly index: number;
  readonly mac: Mac;
  readonly up: boolean;
  readonly broadcast: boolean;
  readonly loopback: boolean;
  /** Enslaved to a bridge or bond: frames belong to the master, answer there. */
  readonly slave: boolean;
  readonly linkLocalV6?: Address;
}

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every interface of this network namespace. Thin I/O: the decisions are in interface-selection.ts. */
export function listLinks(sysfs = '/sys/class/net', ifInet6 = '/proc/net/if_inet6'): LinkInfo[] {
  const linkLocal = new Map<string, Address>();
  for (const line of (read(ifInet6) ?? '').split('\n')) {
    const [hex, , , scope, , name] = line.trim().split(/\s+/);
    if (!hex || !name || scope !== '20' || hex.length !== 32) continue;
    const a = parseAddress(hex.match(/.{4}/g)?.join(':') ?? '');
    if (a) linkLocal.set(name, a);
  }
  const links: LinkInfo[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(sysfs);
  } catch {
    return [];
  }
  for (const name of names) {
    const flags = Number.parseInt(read(`${sysfs}/${name}/flags`) ?? '0', 16);
    const mac = parseMac(read(`${sysfs}/${name}/address`) ?? '');
    if (!mac) continue;
    const ll = linkLocal.get(name);
    links.push({
      name,
      index: Number(read(`${sysfs}/${name}/ifindex`) ?? 0),
      mac,
      up: (flags & IFF_UP) !== 0 && read(`${sysfs}/${name}/operstate`) !== 'down',
      broadcast: (flags & IFF_BROADCAST) !== 0,
      loopback: (flags & IFF_LOOPBACK) !== 0,
      slave: read(`${sysfs}/${name}/master/ifindex`) !== undefined,
      ...(ll ? { linkLocalV6: ll } : {}),
    });
  }
  return links.sort((a, b) => a.index - b.index);
}
