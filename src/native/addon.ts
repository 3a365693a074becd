/**
 * The project's N-API addon (native/af-packet): the Linux calls Node has no API for, AF_PACKET
 * frames for ARP and NDP, TCP MD5 for BGP, and malloc_trim. Typed by the addon's own declarations,
 * and loaded on first use, so code that never opens such a socket never needs it built (unit tests);
 * the controller loads it only to trim its heap, and runs on without it (runtime/heap-trim.ts).
 */
import { createRequire } from 'node:module';

export type Addon = typeof import('@barelb/af-packet');
export type { Handle, SystemError } from '@barelb/af-packet';

let addon: Addon | undefined;

export function nativeAddon(): Addon {
  addon ??= createRequire(import.meta.url)('@barelb/af-packet') as Addon;
  return addon;
}
