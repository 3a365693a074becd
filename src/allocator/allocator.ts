import { matchesAny } from '../config/label-selector.js';
import type { PoolConfig } from '../config/types.js';
import { type Address, type Family, formatAddress } from '../net/address.js';
import { isBuggyIpv4, PoolState } from './pool-state.js';
import { type AllocationResult, refuse } from './refusal.js';
import { ReleaseQuarantine } from './release-quarantine.js';
import type { ServiceRequest } from './service-request.js';
import { sharingConflict } from './sharing.js';

interface Holder {
  readonly req: ServiceRequest;
  readonly ips: Address[];
  pool: string;
}

export interface PoolUsage {
  readonly assigned: Record<Family, number>;
  readonly available: Record<Family, bigint>;
}

const ipKey = (a: Address) => `${a.family}:${a.value}`;

/**
 * Decides which IPs Services get. In memory and pure: the controller feeds it Services and pools
 * and writes the outcomes. Never throws on bad input: every refusal is a value with a reason.
 * Costs are O(log n) per allocation and release (see FreeSet), whatever the pool size.
 *
 * Released addresses are quarantined until the caller confirms the release reached the API
 * (`confirmReleased`), so no address is ever visible on two Services that may not share it.
 */
export class Allocator {
  private pools = new Map<string, PoolState>();
  private readonly holders = new Map<string, Holder>();
  private readonly users = new Map<string, Set<string>>();
  private readonly quarantine = new ReleaseQuarantine();
  /** Counts releases, so a confirmation covers only releases decided before the write it confirms. */
  private decisions = 0;

  /**
   * Replaces the pools. A Service keeps its IPs while a valid pool still admits them (contains them
   * and serves the Service, as MetalLB's SetPools does), and follows that pool if it has another
   * name. The others are released (quarantined like any release); their keys are returned so the
   * caller can reallocate them.
   */
  setPools(pools: readonly PoolConfig[]): string[] {
    this.pools = new Map(pools.map((p) => [p.name, new PoolState(p)]));
    this.users.clear();
    const lost: string[] = [];
    for (const [key, h] of this.holders) {
      const home = this.homeOf(h.req, h.ips);
      if (home === undefined) lost.push(key);
      else h.pool = home;
    }
    for (const key of lost) this.release(key);
    for (const [key, h] of this.holders) for (const ip of h.ips) this.use(key, ip);
    for (const ip of this.quarantine.addresses()) this.poolOf(ip)?.free[ip.family].take(ip.value);
    return lost.sort();
  }

  /**
   * The allocator's decision counter now. Take it right after deciding a Service's write; when the
   * write succeeds, `confirmReleased(key, mark)` frees what that Service released up to then.
   */
  mark(): number {
    return this.decisions;
  }

  /**
   * The API shows `key` without what it released up to `upTo` (all of it when omitted: the Service
   * is gone). Returns the addresses that went back to their pools.
   */
  confirmReleased(key: string, upTo?: number): Address[] {
    const freed = this.quarantine.confirm(key, upTo).filter((ip) => !this.users.has(ipKey(ip)));
    for (const ip of freed) this.giveBack(ip);
    return freed;
  }

  /** Whether `key` released addresses that are not confirmed yet (its status needs a write). */
  releasePending(key: string): boolean {
    return this.quarantine.pendingFor(key);
  }

  assignmentOf(key: string): { ips: readonly Address[]; pool: string } | undefined {
    const h = this.holders.get(key);
    return h ? { ips: h.ips, pool: h.pool } : undefined;
  }

  /**
   * Releases everything a Service holds; returns the addresses it held. They stay unavailable to
   * Services that may not share them until `confirmReleased`.
   */
  release(key: string): Address[] {
    const h = this.holders.get(key);
    if (!h) return [];
    this.holders.delete(key);
    const at = ++this.decisions;
    for (const ip of h.ips) {
      this.quarantine.add(h.req, ip, at);
      this.unuse(key, ip);
    }
    return h.ips;
  }

  /**
   * Gives a Service exactly these IPs, if its request allows them: used to keep what a Service holds
   * and to rebuild from Service status. Idempotent: assigning what it holds changes nothing.
   */
  assign(req: ServiceRequest, ips: readonly Address[]): AllocationResult {
    if (req.invalid) return refuse('InvalidRequest', req.invalid);
    if (ips.length === 0) return refuse('InvalidRequest', 'no address to assign');
    const fams = ips.map((a) => a.family);
    if (new Set(fams).size !== fams.length)
      return refuse('InvalidRequest', 'more than one address of a family');
    if (fams.some((f) => !req.families.includes(f)))
      return refuse('FamilyUnavailable', `the Service does not want ${fams.join(' and ')}`);
    if (req.requireAll && !req.families.every((f) => fams.includes(f))) {
      return refuse('FamilyUnavailable', `the Service needs ${req.families.join(' and ')}`);
    }
    if (req.requestedIps.length > 0) {
      const want = new Set(req.requestedIps.map(ipKey));
      if (ips.length !== want.size || !ips.every((a) => want.has(ipKey(a)))) {
        return refuse(
          'InvalidRequest',
          `the Service asks for ${req.requestedIps.map(formatAddress).join(', ')}`,
        );
      }
    }
    let poolName: string | undefined;
    for (const ip of ips) {
      const check = this.checkIp(req, ip);
      if (!check.ok) return check;
      poolName ??= check.pool;
    }
    this.commit(req, [...ips], poolName ?? '');
    return { ok: true, ips: [...ips], pool: poolName ?? '' };
  }

  /** Picks IPs for a Service that holds none (what it holds is released first). */
  allocate(req: ServiceRequest): AllocationResult {
    if (req.invalid) return refuse('InvalidRequest', req.invalid);
    this.release(req.key);
    if (req.requestedIps.length > 0) return this.assign(req, req.requestedIps);

    let candidates: PoolState[];
    if (req.pool !== undefined) {
      const p = this.pools.get(req.pool);
      if (!p) return refuse('UnknownPool', `pool "${req.pool}" does not exist or is invalid`);
      if (!this.allows(p.config, req))
        return refuse(
          'NoPoolForService',
          `pool "${req.pool}" does not serve namespace ${req.namespace} or this Service's labels`,
        );
      candidates = [p];
    } else {
      candidates = [...this.pools.values()]
        .filter((p) => p.config.autoAssign && this.allows(p.config, req))
        .sort(byPriority);
      if (candidates.length === 0)
        return refuse(
          'NoPoolForService',
          `no auto-assign pool serves namespace ${req.namespace} and this Service's labels`,
        );
    }

    const shared = this.fromSharingPartner(req, candidates);
    if (shared) return shared;

    // All wanted families from one pool; for PreferDualStack, then each family alone.
    const attempts: Family[][] = req.requireAll
      ? [[...req.families]]
      : [[...req.families], ...req.families.map((f) => [f])];
    for (const fams of attempts) {
      for (const p of candidates) {
        if (fams.every((f) => p.free[f].available > 0n)) {
          const ips = fams.map((f) => ({ family: f, value: p.free[f].lowest() as bigint }));
          this.commit(req, ips, p.config.name);
          return { ok: true, ips, pool: p.config.name };
        }
      }
    }
    const offered = req.families.filter((f) => candidates.some((p) => p.total[f] > 0n));
    if (req.requireAll ? offered.length < req.families.length : offered.length === 0) {
      const missing = req.families.filter((f) => !offered.includes(f));
      return refuse(
        'FamilyUnavailable',
        `no pool this Service may use has ${missing.join(' or ')} addresses`,
      );
    }
    return refuse(
      'PoolExhausted',
      `no free ${req.families.join('/')} address in pool${candidates.length > 1 ? 's' : ''} ${candidates.map((p) => `"${p.config.name}"`).join(', ')}: all are in use`,
    );
  }

  usage(pool: string): PoolUsage | undefined {
    const p = this.pools.get(pool);
    if (!p) return undefined;
    return {
      assigned: { IPv4: Number(p.assigned('IPv4')), IPv6: Number(p.assigned('IPv6')) },
      available: { IPv4: p.free.IPv4.available, IPv6: p.free.IPv6.available },
    };
  }

  /** Reuses the IPs of a Service with the same sharing key, when the rules allow it. */
  private fromSharingPartner(
    req: ServiceRequest,
    candidates: readonly PoolState[],
  ): AllocationResult | undefined {
    if (!req.sharingKey) return undefined;
    for (const h of this.holders.values()) {
      if (h.req.key === req.key || h.req.sharingKey !== req.sharingKey) continue;
      if (!candidates.some((p) => p.config.name === h.pool)) continue;
      const ips = h.ips.filter((ip) => req.families.includes(ip.family));
      if (ips.length === 0 || (req.requireAll && ips.length < req.families.length)) continue;
      if (ips.every((ip) => this.checkIp(req, ip).ok)) {
        this.commit(req, ips, h.pool);
        return { ok: true, ips, pool: h.pool };
      }
    }
    return undefined;
  }

  /**
   * Whether `req` may hold `ip`: inside a pool that serves it, and free or shareable with everyone
   * holding it or still shown holding it (an unconfirmed release). Whether the pool auto-assigns does
   * not matter here: only new picks honour autoAssign, what a Service holds or asks for is kept.
   */
  private checkIp(req: ServiceRequest, ip: Address): AllocationResult & { pool?: string } {
    const text = formatAddress(ip);
    const admitted = this.admittingPool(req, ip);
    if (!('admitted' in admitted)) return admitted;
    const pool = admitted.admitted;
    const users = this.users.get(ipKey(ip));
    for (const other of users ?? []) {
      if (other === req.key) continue;
      const h = this.holders.get(other);
      const conflict = h && sharingConflict(req, h.req);
      if (conflict) return refuse(conflict.reason, `${text}: ${conflict.why}`);
    }
    for (const [other, pending] of this.quarantine.releasers(ip)) {
      if (other === req.key) continue;
      const conflict = sharingConflict(req, pending.req);
      if (conflict)
        return refuse(conflict.reason, `${text}: ${conflict.why} (its release is not written yet)`);
    }
    const occupied = (users?.size ?? 0) > 0 || this.quarantine.has(ip);
    if (!occupied && !pool.free[ip.family].has(ip.value)) {
      if (ip.family === 'IPv4' && pool.config.avoidBuggyIPs && isBuggyIpv4(ip.value)) {
        return refuse(
          'IPOutsidePools',
          `${text} ends in .0 or .255, which pool "${pool.config.name}" avoids`,
        );
      }
    }
    return { ok: true, ips: [ip], pool: pool.config.name };
  }

  /** The pool a Service's IPs may stay in after a config change, if one admits them all. */
  private homeOf(req: ServiceRequest, ips: readonly Address[]): string | undefined {
    let home: string | undefined;
    for (const ip of ips) {
      const admitted = this.admittingPool(req, ip);
      if (!('admitted' in admitted)) return undefined;
      home ??= admitted.admitted.config.name;
    }
    return home;
  }

  /**
   * The valid pool holding `ip`, if it may serve `req` (the pool it asks for, the pool's
   * serviceAllocation selectors); else the refusal. Holders and quarantine are checkIp's business.
   */
  private admittingPool(req: ServiceRequest, ip: Address): { admitted: PoolState } | AllocationResult {
    const text = formatAddress(ip);
    const pool = this.poolOf(ip);
    if (!pool) return refuse('IPOutsidePools', `${text} is not in any valid pool`);
    if (req.pool !== undefined && pool.config.name !== req.pool)
      return refuse(
        'IPOutsidePools',
        `${text} is not in pool "${req.pool}" (it is in "${pool.config.name}")`,
      );
    if (!this.allows(pool.config, req))
      return refuse(
        'NoPoolForService',
        `pool "${pool.config.name}" does not serve namespace ${req.namespace} or this Service's labels`,
      );
    return { admitted: pool };
  }

  /** The valid pool holding `ip`: valid pools never overlap (the config refuses the newer one). */
  private poolOf(ip: Address): PoolState | undefined {
    for (const p of this.pools.values()) if (p.contains(ip.family, ip.value)) return p;
    return undefined;
  }

  private allows(pool: PoolConfig, req: ServiceRequest): boolean {
    const a = pool.allocation;
    if (a.namespaces.length > 0 || a.namespaceSelectors.length > 0) {
      if (!a.namespaces.includes(req.namespace) && !matchesAny(a.namespaceSelectors, req.namespaceLabels))
        return false;
    }
    if (a.serviceSelectors.length > 0 && !matchesAny(a.serviceSelectors, req.labels)) return false;
    return true;
  }

  private commit(req: ServiceRequest, ips: Address[], pool: string): void {
    const old = this.holders.get(req.key);
    const keep = new Set(ips.map(ipKey));
    const dropped = (old?.ips ?? []).filter((ip) => !keep.has(ipKey(ip)));
    if (dropped.length > 0) {
      const at = ++this.decisions;
      for (const ip of dropped) {
        this.quarantine.add(req, ip, at);
        this.unuse(req.key, ip);
      }
    }
    for (const ip of ips) {
      this.use(req.key, ip);
      this.quarantine.drop(req.key, ip);
    }
    this.holders.set(req.key, { req, ips, pool });
  }

  private use(key: string, ip: Address): void {
    const k = ipKey(ip);
    let set = this.users.get(k);
    if (!set) {
      set = new Set();
      this.users.set(k, set);
      if (!this.quarantine.has(ip)) this.poolOf(ip)?.free[ip.family].take(ip.value);
    }
    set.add(key);
  }

  /** Drops a user; the address stays taken (the caller quarantined it). */
  private unuse(key: string, ip: Address): void {
    const k = ipKey(ip);
    const set = this.users.get(k);
    if (!set) return;
    set.delete(key);
    if (set.size === 0) this.users.delete(k);
  }

  /** An address nobody holds or is releasing goes back to its pool, unless the pool avoids it. */
  private giveBack(ip: Address): void {
    const pool = this.poolOf(ip);
    if (!pool) return;
    if (ip.family === 'IPv4' && pool.config.avoidBuggyIPs && isBuggyIpv4(ip.value)) return;
    pool.free[ip.family].give(ip.value);
  }
}

/**
 * Pool order for new picks: lower priority first (no priority comes last); at equal priority, pools
 * whose serviceAllocation selects the Service (by namespace or labels) before pools open to all, as
 * the namespace-pinned sample and MetalLB promise; then by name, so the order is stable.
 */
function byPriority(a: PoolState, b: PoolState): number {
  const pa = a.config.allocation.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.config.allocation.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  const pinned = Number(isPinned(b.config)) - Number(isPinned(a.config));
  if (pinned !== 0) return pinned;
  return a.config.name < b.config.name ? -1 : a.config.name > b.config.name ? 1 : 0;
}

/** Whether a pool serves only some Services (it is only a candidate when it selects this one). */
function isPinned(pool: PoolConfig): boolean {
  const a = pool.allocation;
  return a.namespaces.length > 0 || a.namespaceSelectors.length > 0 || a.serviceSelectors.length > 0;
}
