import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { type Address, parseAddress } from '../net/address.js';
import { type Mac, parseMac } from './ethernet.js';

/** What the speaker needs to know about a network interface, read from sysfs and procfs. */
export interface LinkInfo {
  readonly name: string;
  readonly index: number;
  readonly mac: Mac;
  /** Administratively up and operationally up (or `unknown`, as drivers without carrier report). */
  readonly up: boolean;
  readonly broadcast: boolean;
  readonly loopback: boolean;
  /** An Ethernet link (ARPHRD_ETHER): the only kind we can send Ethernet frames on. */
  readonly ethernet: boolean;
  /** The link this one is enslaved to (bridge, bond, VRF, ...), if any. */
  readonly master?: string;
  /**
   * Enslaved to a bridge, bond or the like: frames belong to the master, answer there. A VRF member
   * is not a slave in this sense; it still carries its own traffic.
   */
  readonly slave: boolean;
  readonly ipv4: readonly Address[];
}

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const ARPHRD_ETHER = 1;

/** Addresses per interface name, as os.networkInterfaces() gives them. */
export type InterfaceAddresses = Readonly<
  Record<string, readonly { readonly address: string; readonly family: string | number }[] | undefined>
>;

/** What sysfs says about one link, as text; each field absent when its file is unreadable. */
export interface SysfsLink {
  readonly name: string;
  readonly ifindex?: string;
  readonly address?: string;
  readonly flags?: string;
  readonly operstate?: string;
  readonly type?: string;
  readonly master?: string;
  /** DEVTYPE from the master's uevent (bridge, bond, vrf, ...). */
  readonly masterType?: string;
}

/** A LinkInfo from sysfs text, or undefined for links without a MAC (tunnels, WireGuard, ...). */
export function toLinkInfo(s: SysfsLink, addrs: InterfaceAddresses): LinkInfo | undefined {
  const mac = parseMac(s.address ?? '');
  if (!mac) return undefined;
  const flags = Number.parseInt(s.flags ?? '0', 16) || 0;
  const ipv4 = (addrs[s.name] ?? [])
    .filter((a) => a.family === 'IPv4')
    .flatMap((a) => parseAddress(a.address) ?? []);
  return {
    name: s.name,
    index: Number(s.ifindex ?? 0) || 0,
    mac,
    up: (flags & IFF_UP) !== 0 && (s.operstate === 'up' || s.operstate === 'unknown'),
    broadcast: (flags & IFF_BROADCAST) !== 0,
    loopback: (flags & IFF_LOOPBACK) !== 0,
    ethernet: Number(s.type) === ARPHRD_ETHER,
    ...(s.master ? { master: s.master } : {}),
    slave: s.master !== undefined && s.masterType !== 'vrf',
    ipv4,
  };
}

export interface ListLinksOptions {
  readonly sysfs?: string;
  /** IPv4 addresses per interface; os.networkInterfaces() by default. */
  readonly addresses?: () => InterfaceAddresses;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every interface of this network namespace, by index. Thin I/O: decisions are in interface-selection.ts. */
export function listLinks(opts: ListLinksOptions = {}): LinkInfo[] {
  const sysfs = opts.sysfs ?? '/sys/class/net';
  let names: string[];
  try {
    names = readdirSync(sysfs);
  } catch {
    return [];
  }
  const addrs = (opts.addresses ?? networkInterfaces)();
  const links: LinkInfo[] = [];
  for (const name of names) {
    const dir = `${sysfs}/${name}`;
    // `master` is a symlink to the master's sysfs directory; its uevent names it and its kind.
    const masterUevent = read(`${dir}/master/uevent`) ?? '';
    const master = /^INTERFACE=(.+)$/m.exec(masterUevent)?.[1];
    const masterType = /^DEVTYPE=(.+)$/m.exec(masterUevent)?.[1];
    const s: SysfsLink = {
      name,
      ...optional('ifindex', read(`${dir}/ifindex`)),
      ...optional('address', read(`${dir}/address`)),
      ...optional('flags', read(`${dir}/flags`)),
      ...optional('operstate', read(`${dir}/operstate`)),
      ...optional('type', read(`${dir}/type`)),
      ...optional('master', master),
      ...optional('masterType', masterType),
    };
    const link = toLinkInfo(s, addrs);
    if (link) links.push(link);
  }
  return links.sort((a, b) => a.index - b.index);
}

function optional<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: string };
}
