import { DEFAULT_EXCLUDES, selectInterfaces } from '../layer2/interface-selection.js';
import { listLinks } from '../layer2/link-info.js';
import type { AnnounceInterface, Interfaces } from './announcer.js';

/**
 * Interfaces an L2Advertisement without `interfaces` announces on, rescanned at every election so
 * links that come and go are picked up. Named interfaces (L2Advertisement.interfaces) come from
 * every link that is up.
 */
export function announceInterfaces(extraExcludes: readonly string[]): Interfaces {
  const links = listLinks();
  const view = (l: (typeof links)[number]): AnnounceInterface => ({
    name: l.name,
    mac: l.mac,
  });
  return {
    defaults: selectInterfaces(links, { excludes: [...DEFAULT_EXCLUDES, ...extraExcludes] }).map(view),
    all: links.filter((l) => l.up && !l.loopback).map(view),
  };
}
