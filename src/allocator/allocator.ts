import type { PoolConfig } from '../config/types.js';
import { type Address, FAMILIES, type Family, formatAddress, maxValue } from '../net/address.js';
import { poolServes } from './eligibility.js';
import { type Intent, interpret } from './intent.js';
import { type Holding, IpUses } from './ip-uses.js';
import type { PoolState } from './pool-state.js';
import { PoolTable } from './pool-table.js';
import { type AllocationResult, type Problem, problem, type RefusalReason } from './refusal.js';
import type { ServiceRequest } from './service-request.js';
import { sharingClash } from './sharing.js';

export interface PoolUsage {
  /** Addresses in use; an address shared by several Services counts once. */
  readonly assigned: Readonly<Record<Family, number>>;
  /** Addresses still free (x.0 and x.255 not counted when the pool avoids them). */
  readonly available: Readonly<Record<Family, bigint>>;
}

/** One Service for `restore`: its request and the addresses its status holds. */
export interface RestoreEntry {
  readonly req: ServiceRequest;
  readonly ips: readonly Address[];
  /** Who wins a conflict: smaller first (e.g. creationTimestamp); ties go by key. */
  readonly order?: string;
}

export interface RestoreResult {
  readonly assigned: readonly string[];
  readonly refused: readonly {
    readonly key: string;
    readonly reason: RefusalReason;
    readonly message: string;
  }[];
}

/** The whole state as plain sorted data: two allocators in the same state give equal snapshots. */
export interface AllocatorSnapshot {
  readonly services: readonly {
    readonly key: string;
    readonly pool: string;
    readonly ips: readonly string[];
  }[];
  readonly pools: readonly {
    readonly name: string;
    readonly families: readonly {
      readonly family: Family;
      readonly assigned: string;
      readonly available: string;
      /** Free runs as `first-last`. */
      readonly free: readonly string[];
    }[];
  }[];
}

type Outcome = { readonly ok: true; readonly ips: readonly Address[]; readonly pool: string } | Failure;
type Failure = { readonly ok: false } & Problem;

/**
 * Decides which IPs Services get, in memory and without I/O: the controller feeds it pools and
 * Services and writes the outcomes. Never throws on bad input; every refusal is a value with a
 * reason. Allocating, assigning and releasing cost O(log n) whatever the pool size (free addresses
 * are intervals in a B-tree, see interval-set.ts) plus O(pools) to pick a pool.
 */
export class Allocator {
  private pools = PoolTable.empty();
  private readonly holdings = new Map<string, Holding>();
  private readonly uses = new IpUses();

  /**
   * Replaces the pools. Services holding an address that left its pool (pool shrunk, deleted, or
   * newly avoiding x.0/x.255) are released entirely and their keys returned, sorted, so the caller
   * can allocate them again. Pools whose addresses did not change keep their state untouched.
   */
  setPools(configs: readonly PoolConfig[]): string[] {
    const next = PoolTable.build(Array.isArray(configs) ? configs : [], this.pools);
    const lost = new Set<string>();
    for (const use of this.uses.all()) {
      const pool = next.get(use.pool);
      if (pool && next.carriedOver(pool)) continue;
      const family = pool?.families[use.address.family];
      if (family?.usable(use.address.value)) family.take(use.address.value);
      else for (const key of use.users.keys()) lost.add(key);
    }
    this.pools = next;
    for (const key of lost) this.release(key);
    return [...lost].sort();
  }

  /**
   * Gives the Service addresses. Keeps what it holds when that still fits its request (an IP never
   * moves needlessly); otherwise releases it and takes the requested addresses, or picks: a
   * compatible sharing partner's address first, else the lowest free one, from the first pool in
   * priority order that can serve every family needed. After a refusal the Service holds nothing.
   */
  allocate(req: ServiceRequest): AllocationResult {
    const read = interpret(req);
    if (!read.ok) {
      this.release(keyOf(req));
      return { ok: false, ...read.problem, warnings: read.warnings };
    }
    const { intent, warnings } = read;
    const held = this.holdings.get(intent.key);
    if (held) {
      const kept = this.tryAssign(intent, held.ips);
      if (kept.ok) return { ...kept, warnings };
      this.release(intent.key);
    }
    const got = intent.requested.length > 0 ? this.tryAssign(intent, intent.requested) : this.pick(intent);
    return { ...got, warnings };
  }

  /**
   * Gives the Service exactly these addresses, if its request allows them: to keep what it holds,
   * and to rebuild from Service status. Idempotent. A refusal changes nothing. Unlike allocate it
   * accepts addresses of autoAssign: false pools, so turning autoAssign off takes nobody's IP.
   */
  assign(req: ServiceRequest, ips: readonly Address[]): AllocationResult {
    const read = interpret(req);
    if (!read.ok) return { ok: false, ...read.problem, warnings: read.warnings };
    return { ...this.tryAssign(read.intent, ips), warnings: read.warnings };
  }

  /** Releases everything the Service holds; returns the addresses it held. */
  release(key: string): Address[] {
    const held = typeof key === 'string' ? this.holdings.get(key) : undefined;
    if (!held) return [];
    this.holdings.delete(key);
    for (const a of held.ips) this.drop(a, key);
    return [...held.ips];
  }

  /**
   * Rebuilds from Service statuses (into the current state: normally a fresh Allocator after
   * setPools). Entries are applied in `order`, then key, whatever order they come in, so two
   * Services claiming one address always resolve the same way and any input order gives the same
   * state.
   */
  restore(entries: readonly RestoreEntry[]): RestoreResult {
    const list = (Array.isArray(entries) ? entries : [])
      .filter((e): e is RestoreEntry => typeof e === 'object' && e !== null)
      .map((e) => ({
        e,
        order: typeof e.order === 'string' ? e.order : '',
        key: keyOf(e.req),
        ips: ipsText(e.ips),
      }))
      .sort((a, b) => compare(a.order, b.order) || compare(a.key, b.key) || compare(a.ips, b.ips));
    const assigned: string[] = [];
    const refused: { key: string; reason: RefusalReason; message: string }[] = [];
    for (const { e, key } of list) {
      const r = this.assign(e.req, e.ips);
      if (r.ok) assigned.push(key);
      else refused.push({ key, reason: r.reason, message: r.message });
    }
    return { assigned, refused };
  }

  assignmentOf(key: string): { readonly ips: readonly Address[]; readonly pool: string } | undefined {
    const held = this.holdings.get(key);
    return held ? { ips: held.ips, pool: held.pool } : undefined;
  }

  /** The Services holding an address, sorted. */
  holdersOf(a: Address): string[] {
    if (!isAddress(a)) return [];
    return [...(this.uses.get(a)?.users.keys() ?? [])].sort();
  }

  usage(pool: string): PoolUsage | undefined {
    const p = this.pools.get(pool);
    if (!p) return undefined;
    return {
      assigned: { IPv4: Number(p.families.IPv4.assigned), IPv6: Number(p.families.IPv6.assigned) },
      available: { IPv4: p.families.IPv4.available, IPv6: p.families.IPv6.available },
    };
  }

  snapshot(): AllocatorSnapshot {
    const services = [...this.holdings.values()]
      .map((h) => ({ key: h.key, pool: h.pool, ips: h.ips.map(formatAddress) }))
      .sort((a, b) => compare(a.key, b.key));
    const pools = [...this.pools.ordered]
      .sort((a, b) => compare(a.name, b.name))
      .map((p) => ({
        name: p.name,
        families: FAMILIES.map((family) => {
          const f = p.families[family];
          return {
            family,
            assigned: f.assigned.toString(),
            available: f.available.toString(),
            free: f
              .freeRuns()
              .map(
                ([a, b]) => `${formatAddress({ family, value: a })}-${formatAddress({ family, value: b })}`,
              ),
          };
        }),
      }));
    return { services, pools };
  }

  /** Automatic choice, for a Service that holds nothing and names no address. */
  private pick(intent: Intent): Outcome {
    const who = describeApplicant(intent);
    let candidates: readonly PoolState[];
    if (intent.pool !== undefined) {
      const p = this.pools.get(intent.pool);
      if (!p) return fail('UnknownPool', `pool "${intent.pool}" does not exist or is invalid`);
      if (!poolServes(p.config, intent.applicant))
        return fail('NoPoolForService', `pool "${p.name}" does not serve ${who}`);
      candidates = [p];
    } else {
      const serving = this.pools.ordered.filter((p) => poolServes(p.config, intent.applicant));
      if (serving.length === 0) return fail('NoPoolForService', `no pool serves ${who}`);
      candidates = serving.filter((p) => p.config.autoAssign !== false);
      if (candidates.length === 0)
        return fail(
          'PoolNotAutoAssign',
          `only pools with autoAssign: false serve ${who} (${names(serving)}); name one in barelb.io/address-pool or an address in barelb.io/loadBalancerIPs`,
        );
    }

    // Every family from one pool (as MetalLB); PreferDualStack then settles for one family,
    // the primary first.
    const attempts =
      intent.requireAll || intent.families.length < 2
        ? [intent.families]
        : [intent.families, ...intent.families.map((f) => [f])];
    for (const families of attempts) {
      for (const pool of candidates) {
        const ips: Address[] = [];
        for (const f of families) {
          const a = this.choose(pool, f, intent);
          if (!a) break;
          ips.push(a);
        }
        if (ips.length === families.length) {
          this.commit(intent, ips, pool);
          return { ok: true, ips, pool: pool.name };
        }
      }
    }

    const offers = (p: PoolState, f: Family) => p.families[f].total > 0n;
    const missing = intent.families.filter((f) => !candidates.some((p) => offers(p, f)));
    if (missing.length === intent.families.length || (intent.requireAll && missing.length > 0))
      return fail(
        'FamilyUnavailable',
        `no pool ${who} may use (${names(candidates)}) has ${missing.join(' or ')} addresses`,
      );
    if (intent.requireAll && !candidates.some((p) => intent.families.every((f) => offers(p, f))))
      return fail(
        'FamilyUnavailable',
        `no pool ${who} may use (${names(candidates)}) has both ${intent.families.join(' and ')} addresses; a Service's addresses come from one pool`,
      );
    return fail(
      'PoolExhausted',
      `no free ${intent.families.join('/')} address for ${who} in ${names(candidates)}: all are in use${intent.share.sharingKey === undefined ? '' : ' and none can be shared'}`,
    );
  }

  /** An address of `family` from `pool`: a sharing partner's (lowest first), else the lowest free. */
  private choose(pool: PoolState, family: Family, intent: Intent): Address | undefined {
    const fp = pool.families[family];
    if (fp.total === 0n) return undefined;
    if (intent.share.sharingKey !== undefined) {
      let best: bigint | undefined;
      for (const use of this.uses.sharedUnder(intent.share.sharingKey)) {
        const v = use.address.value;
        if (use.pool !== pool.name || use.address.family !== family || (best !== undefined && v >= best))
          continue;
        if (!sharingClash(use, intent.key, intent.share)) best = v;
      }
      if (best !== undefined) return { family, value: best };
    }
    const v = fp.lowestFree();
    return v === undefined ? undefined : { family, value: v };
  }

  /** Checks that the Service may hold exactly `input`, and records it. Changes nothing on refusal. */
  private tryAssign(intent: Intent, input: readonly Address[]): Outcome {
    // Checked as unknown: Array.isArray would narrow a readonly Address[] to any[].
    const given: unknown = input;
    if (!Array.isArray(given) || given.length === 0) return fail('InvalidRequest', 'no address to assign');
    const bad = given.findIndex((a) => !isAddress(a));
    if (bad >= 0) return fail('BadAddress', `${describeValue(given[bad])} is not an IP address`);
    const ips: Address[] = input.map((a) => ({ family: a.family, value: a.value }));
    const text = (a: Address) => formatAddress(a);
    const dup = FAMILIES.find((f) => ips.filter((a) => a.family === f).length > 1);
    if (dup) return fail('TooManyIPs', `${ips.map(text).join(', ')}: at most one ${dup} address per Service`);
    const stray = ips.find((a) => !intent.families.includes(a.family));
    if (stray)
      return fail(
        'FamilyMismatch',
        `${text(stray)} is ${stray.family}, but the Service is ${intent.families.join('/')}`,
      );
    if (intent.requireAll && ips.length < intent.families.length)
      return fail(
        'FamilyMismatch',
        `the Service needs ${intent.families.join(' and ')} addresses, not only ${ips.map(text).join(', ')}`,
      );
    if (
      intent.requested.length > 0 &&
      (ips.length !== intent.requested.length ||
        !ips.every((a) => intent.requested.some((r) => r.family === a.family && r.value === a.value)))
    )
      return fail(
        'NotRequested',
        `the Service asks for ${intent.requested.map(text).join(', ')}, not ${ips.map(text).join(', ')}`,
      );
    ips.sort((a, b) => intent.families.indexOf(a.family) - intent.families.indexOf(b.family));

    let pool: PoolState | undefined;
    for (const a of ips) {
      const p = this.pools.poolOf(a);
      if (!p) return fail('IPOutsidePools', `${text(a)} is not in any pool`);
      if (pool && p !== pool)
        return fail(
          'IPOutsidePools',
          `${ips.map(text).join(' and ')} are in pools "${pool.name}" and "${p.name}"; a Service's addresses come from one pool`,
        );
      pool = p;
    }
    if (!pool) return fail('InvalidRequest', 'no address to assign');
    if (intent.pool !== undefined && pool.name !== intent.pool) {
      if (!this.pools.get(intent.pool))
        return fail('UnknownPool', `pool "${intent.pool}" does not exist or is invalid`);
      return fail(
        'IPOutsidePools',
        `${ips.map(text).join(', ')} is in pool "${pool.name}", not in the requested pool "${intent.pool}"`,
      );
    }
    if (!poolServes(pool.config, intent.applicant))
      return fail('NoPoolForService', `pool "${pool.name}" does not serve ${describeApplicant(intent)}`);
    for (const a of ips) {
      if (!pool.families[a.family].usable(a.value))
        return fail(
          'AvoidedIP',
          `${text(a)} ends in .0 or .255, which pool "${pool.name}" avoids (avoidBuggyIPs)`,
        );
      const use = this.uses.get(a);
      const clash = use && sharingClash(use, intent.key, intent.share);
      if (clash) return fail(clash.reason, `${text(a)} is ${clash.why}`);
    }
    this.commit(intent, ips, pool);
    return { ok: true, ips, pool: pool.name };
  }

  private commit(intent: Intent, ips: readonly Address[], pool: PoolState): void {
    const holding: Holding = { key: intent.key, share: intent.share, ips, pool: pool.name };
    const old = this.holdings.get(intent.key);
    for (const a of old?.ips ?? [])
      if (!ips.some((b) => b.family === a.family && b.value === a.value)) this.drop(a, intent.key);
    for (const a of ips) if (this.uses.add(a, pool.name, holding)) pool.families[a.family].take(a.value);
    this.holdings.set(intent.key, holding);
  }

  /** Removes one user of an address, and frees the address when it was the last. */
  private drop(a: Address, key: string): void {
    const use = this.uses.get(a);
    if (use && this.uses.remove(a, key)) this.pools.get(use.pool)?.families[a.family].give(a.value);
  }
}

function fail(reason: RefusalReason, message: string): Failure {
  return { ok: false, ...problem(reason, message) };
}

function isAddress(a: unknown): a is Address {
  if (typeof a !== 'object' || a === null) return false;
  const { family, value } = a as Record<string, unknown>;
  return (
    (family === 'IPv4' || family === 'IPv6') &&
    typeof value === 'bigint' &&
    value >= 0n &&
    value <= maxValue(family)
  );
}

function describeValue(x: unknown): string {
  if (typeof x !== 'object' || x === null) return JSON.stringify(String(x));
  const { family, value } = x as Record<string, unknown>;
  return `{family: ${String(family)}, value: ${String(value)}}`;
}

function describeApplicant(intent: Intent): string {
  return `Service ${intent.key}`;
}

function names(pools: readonly PoolState[]): string {
  return pools.map((p) => `"${p.name}"`).join(', ');
}

function keyOf(req: unknown): string {
  const key = typeof req === 'object' && req !== null ? (req as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? key : '';
}

function ipsText(ips: unknown): string {
  return Array.isArray(ips) ? ips.map((a) => (isAddress(a) ? formatAddress(a) : '?')).join(',') : '';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
