import { formatRange } from '../net/range.js';
import { ConfigErrorReason } from './config-error.js';
import { parseL2Advertisement } from './parse-l2-advertisement.js';
import { parsePool, type RangeSource } from './parse-pool.js';
import { overlappingPairs } from './range-overlaps.js';
import type { Config, ConfigError, L2AdvertisementConfig, ObjectKind, PoolConfig } from './types.js';

/**
 * Turns the IPAddressPool and L2Advertisement objects as read from the API into one Config.
 *
 * Each object is checked alone, then against the others:
 * - two objects of one kind with the same name: all of them are left out (we cannot tell which one is meant);
 * - two pools with overlapping ranges: the newer one (by creationTimestamp, then name) is left out with an
 *   `Overlap` error naming the older, so an address can never be handed out by two pools, and a pool added by
 *   mistake never takes IPs away from Services already using the pool it overlaps. Only pools that are valid on
 *   their own take part, so a broken pool never takes a working one down with it;
 * - an L2Advertisement naming a pool that does not exist gets an `UnknownPool` warning and stays in the Config
 *   (see isWarning): the pool may simply not be created yet, and the advertisement still covers the others.
 *   Naming a pool that exists but is invalid gives no extra error: that pool carries its own.
 *
 * Never throws; errors are sorted by kind, then name, so status updates do not churn.
 */
export function buildConfig(pools: readonly unknown[], ads: readonly unknown[]): Config {
  const errors: ConfigError[] = [];

  const poolParses = pools.map(parsePool);
  for (const p of poolParses) errors.push(...p.errors);
  const duplicatePools = reportDuplicates(
    poolParses.map((p) => p.name),
    'IPAddressPool',
    errors,
  );
  const candidates = poolParses.flatMap((p, i) =>
    p.pool && !duplicatePools.has(p.name)
      ? [{ pool: p.pool, sources: p.sources, created: creationOf(pools[i]) }]
      : [],
  );
  const overlapping = reportCrossPoolOverlaps(candidates, errors);
  const valid = candidates
    .map((c) => c.pool)
    .filter((pool) => !overlapping.has(pool.name))
    .sort((a, b) => compareNames(a.name, b.name));

  const adParses = ads.map(parseL2Advertisement);
  for (const a of adParses) errors.push(...a.errors);
  const duplicateAds = reportDuplicates(
    adParses.map((a) => a.name),
    'L2Advertisement',
    errors,
  );
  const knownPools = new Set(poolParses.map((p) => p.name).filter((n) => n !== ''));
  const advertisements: L2AdvertisementConfig[] = [];
  for (const { name, advertisement } of adParses) {
    if (!advertisement || duplicateAds.has(name)) continue;
    advertisement.poolNames.forEach((pool, i) => {
      if (!knownPools.has(pool))
        errors.push({
          kind: 'L2Advertisement',
          name,
          path: `spec.ipAddressPools[${i}]`,
          reason: ConfigErrorReason.UnknownPool,
          message: `IPAddressPool "${pool}" does not exist`,
        });
    });
    advertisements.push(advertisement);
  }
  advertisements.sort((a, b) => compareNames(a.name, b.name));

  return {
    pools: new Map(valid.map((pool) => [pool.name, pool])),
    l2Advertisements: advertisements,
    errors: errors.sort(compareErrors),
  };
}

/** Reports each name used by more than one object once; returns those names. Unnamed objects are already invalid. */
export function reportDuplicates(
  names: readonly string[],
  kind: ObjectKind,
  errors: ConfigError[],
): Set<string> {
  const counts = new Map<string, number>();
  for (const n of names) if (n !== '') counts.set(n, (counts.get(n) ?? 0) + 1);
  const duplicates = new Set<string>();
  for (const [name, count] of counts) {
    if (count < 2) continue;
    duplicates.add(name);
    errors.push({
      kind,
      name,
      path: 'metadata.name',
      reason: ConfigErrorReason.DuplicateName,
      message: `${count} ${kind} objects share this name; all of them are ignored`,
    });
  }
  return duplicates;
}

interface Candidate {
  readonly pool: PoolConfig;
  readonly sources: readonly RangeSource[];
  readonly created: string;
}

/**
 * Accepts pools oldest first; a pool whose ranges overlap an accepted pool is refused, with an error per
 * overlapping pair naming the older pool. Returns the refused pools' names.
 */
function reportCrossPoolOverlaps(candidates: readonly Candidate[], errors: ConfigError[]): Set<string> {
  const byAge = [...candidates].sort(
    (a, b) => compareNames(a.created, b.created) || compareNames(a.pool.name, b.pool.name),
  );
  const rank = new Map(byAge.map((c, i) => [c.pool.name, i]));
  const tagged = candidates.flatMap((c) =>
    c.sources.map((src) => ({ range: src.range, tag: { pool: c.pool.name, index: src.index } })),
  );
  // Pairs in age order of their newer pool, so a pool refused for one overlap is not held against a third.
  const pairs = overlappingPairs(tagged).map(([a, b]) =>
    (rank.get(a.tag.pool) ?? 0) < (rank.get(b.tag.pool) ?? 0) ? ([a, b] as const) : ([b, a] as const),
  );
  pairs.sort(([, x], [, y]) => (rank.get(x.tag.pool) ?? 0) - (rank.get(y.tag.pool) ?? 0));
  const refused = new Set<string>();
  for (const [older, newer] of pairs) {
    // Ranges of one pool never overlap here: such a pool failed parsePool and is not a candidate.
    if (refused.has(older.tag.pool)) continue;
    refused.add(newer.tag.pool);
    errors.push({
      kind: 'IPAddressPool',
      name: newer.tag.pool,
      path: `spec.addresses[${newer.tag.index}]`,
      reason: ConfigErrorReason.Overlap,
      message:
        `${formatRange(newer.range)} overlaps pool "${older.tag.pool}" ` +
        `spec.addresses[${older.tag.index}] ${formatRange(older.range)}, which is older and keeps working`,
    });
  }
  return refused;
}

/** The object's creationTimestamp (RFC 3339 sorts as text), or "" when absent: unknown ages sort first. */
function creationOf(raw: unknown): string {
  const ts = (raw as { metadata?: { creationTimestamp?: unknown } } | null)?.metadata?.creationTimestamp;
  if (ts instanceof Date) return ts.toISOString();
  return typeof ts === 'string' ? ts : '';
}

const KIND_ORDER: Readonly<Record<ObjectKind, number>> = {
  IPAddressPool: 0,
  L2Advertisement: 1,
  BGPPeer: 2,
  BGPAdvertisement: 3,
  BFDProfile: 4,
  Community: 5,
};

/** Errors by kind, then object name: a stable order, so status updates do not churn. */
export function compareErrors(a: ConfigError, b: ConfigError): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareNames(a.name, b.name);
}

/** Code-unit order, not locale order, so the result is the same on every machine. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
