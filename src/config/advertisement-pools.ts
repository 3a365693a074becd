import { type Labels, matchesAny } from './label-selector.js';
import type { L2AdvertisementConfig, PoolConfig } from './types.js';

/**
 * Whether the advertisement announces the pool's addresses: named in `ipAddressPools`, or matched by one of
 * `ipAddressPoolSelectors`; with neither given it covers every pool.
 */
export function advertisementCoversPool(
  ad: Pick<L2AdvertisementConfig, 'poolNames' | 'poolSelectors'>,
  pool: Pick<PoolConfig, 'name' | 'labels'>,
): boolean {
  if (ad.poolNames.length === 0 && ad.poolSelectors.length === 0) return true;
  return ad.poolNames.includes(pool.name) || matchesAny(ad.poolSelectors, pool.labels);
}

/**
 * Whether the advertisement applies to a Service with these labels: with no `serviceSelectors`, to every
 * Service (as MetalLB); else only when one of them matches.
 */
export function advertisementSelectsService(ad: L2AdvertisementConfig, labels: Labels): boolean {
  return ad.serviceSelectors.length === 0 || matchesAny(ad.serviceSelectors, labels);
}

/** The pools an advertisement covers, in the map's order. */
export function poolsOfAdvertisement(
  ad: L2AdvertisementConfig,
  pools: ReadonlyMap<string, PoolConfig>,
): PoolConfig[] {
  return [...pools.values()].filter((pool) => advertisementCoversPool(ad, pool));
}

/** The advertisements that cover a pool: the speaker's question for each assigned IP. */
export function advertisementsOfPool(
  ads: readonly L2AdvertisementConfig[],
  pool: PoolConfig,
): L2AdvertisementConfig[] {
  return ads.filter((ad) => advertisementCoversPool(ad, pool));
}
