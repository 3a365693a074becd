import type { LinkInfo } from './link-info.js';

/**
 * Interfaces that never carry client traffic for a LoadBalancer IP: container veths, CNI bridges
 * and tunnels, kube-proxy's IPVS dummy, VPNs. `*` matches any run of characters.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  'lo',
  'docker*',
  'veth*',
  'cali*',
  'flannel*',
  'cni*',
  'kube-ipvs*',
  'kube-bridge',
  'cilium*',
  'lxc*',
  'vxlan*',
  'genev*',
  'tunl*',
  'tun*',
  'tap*',
  'virbr*',
  'br-*',
  'dummy*',
  'nodelocaldns',
  'wg*',
  'zt*',
];

/** Whether `name` matches `pattern`, where `*` stands for any run of characters (`veth*`, `*.100`). */
export function matchesPattern(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  const [first = '', ...rest] = pattern.split('*');
  const last = rest.pop() ?? '';
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last))
    return false;
  // Middle pieces, in order, between the fixed head and tail.
  let at = first.length;
  const end = name.length - last.length;
  for (const piece of rest) {
    const i = name.indexOf(piece, at);
    if (i < 0 || i + piece.length > end) return false;
    at = i + piece.length;
  }
  return true;
}

export interface SelectOptions {
  /** L2Advertisement.interfaces: when non-empty, exactly these (those that exist, are up and Ethernet). */
  readonly named?: readonly string[];
  /** Patterns excluded when no names are given; DEFAULT_EXCLUDES unless set. */
  readonly excludes?: readonly string[];
}

/**
 * The interfaces to announce on: when `named` is given (L2Advertisement.interfaces), those of them
 * that exist, are up and are Ethernet; otherwise every up, broadcast-capable, non-loopback,
 * non-enslaved Ethernet interface that no exclude pattern matches. Pure; keeps the order of `links`.
 */
export function selectInterfaces(links: readonly LinkInfo[], opts: SelectOptions = {}): LinkInfo[] {
  const { named } = opts;
  if (named && named.length > 0) {
    const wanted = new Set(named);
    return links.filter((l) => wanted.has(l.name) && l.up && l.ethernet);
  }
  const excludes = opts.excludes ?? DEFAULT_EXCLUDES;
  return links.filter(
    (l) =>
      l.up &&
      l.ethernet &&
      l.broadcast &&
      !l.loopback &&
      !l.slave &&
      !excludes.some((p) => matchesPattern(l.name, p)),
  );
}
