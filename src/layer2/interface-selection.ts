import type { LinkInfo } from './link-info.js';

/**
 * Interfaces that never carry client traffic for a LoadBalancer IP: container veths, CNI bridges
 * and tunnels, kube-proxy's IPVS dummy, VPNs. `*` matches any suffix.
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

export function matchesPattern(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * The interfaces to announce on: when `named` is given (L2Advertisement.interfaces), those of them
 * that exist and are up; otherwise every up, broadcast-capable, non-enslaved interface that no
 * exclude pattern matches. Pure.
 */
export function selectInterfaces(
  links: readonly LinkInfo[],
  opts: { named?: readonly string[]; excludes?: readonly string[] } = {},
): LinkInfo[] {
  if (opts.named && opts.named.length > 0) {
    return links.filter((l) => opts.named?.includes(l.name) && l.up);
  }
  const excludes = opts.excludes ?? DEFAULT_EXCLUDES;
  return links.filter(
    (l) => l.up && l.broadcast && !l.loopback && !l.slave && !excludes.some((p) => matchesPattern(l.name, p)),
  );
}
