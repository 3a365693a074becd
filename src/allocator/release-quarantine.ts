import type { Address } from '../net/address.js';
import type { ServiceRequest } from './service-request.js';

/** One Service's release of one address that the API may still show on it. */
export interface PendingRelease {
  readonly req: ServiceRequest;
  /** When it was released, on the allocator's decision counter (see Allocator.mark). */
  readonly at: number;
}

interface Entry {
  readonly ip: Address;
  readonly by: Map<string, PendingRelease>;
}

const ipKey = (a: Address) => `${a.family}:${a.value}`;

/**
 * Addresses released in memory whose release is not yet written to the API. The allocator decides
 * at once, the controller writes later, and with several workers another Service's write of the
 * same address could reach the API server first: for a moment two Services would show one address
 * (issue 18). An address stays here, unavailable to anyone the releasing Service could not share
 * it with, until the controller confirms a write of that Service decided after the release, or the
 * Service is gone. Pure bookkeeping: no I/O, no clock.
 */
export class ReleaseQuarantine {
  private readonly byIp = new Map<string, Entry>();
  private readonly byService = new Map<string, Set<string>>();

  get size(): number {
    return this.byIp.size;
  }

  has(ip: Address): boolean {
    return this.byIp.has(ipKey(ip));
  }

  /** The Services whose release of `ip` is not confirmed yet. */
  releasers(ip: Address): ReadonlyMap<string, PendingRelease> {
    return this.byIp.get(ipKey(ip))?.by ?? new Map();
  }

  add(req: ServiceRequest, ip: Address, at: number): void {
    const k = ipKey(ip);
    let e = this.byIp.get(k);
    if (!e) {
      e = { ip, by: new Map() };
      this.byIp.set(k, e);
    }
    e.by.set(req.key, { req, at });
    let mine = this.byService.get(req.key);
    if (!mine) {
      mine = new Set();
      this.byService.set(req.key, mine);
    }
    mine.add(k);
  }

  /** The Service holds `ip` again: its own earlier release of it no longer matters. */
  drop(service: string, ip: Address): boolean {
    return this.remove(service, ipKey(ip));
  }

  /**
   * The API no longer shows on `service` what it released up to decision `upTo` (everything when
   * omitted). Returns the addresses nobody else is releasing any more.
   */
  confirm(service: string, upTo = Number.POSITIVE_INFINITY): Address[] {
    const mine = this.byService.get(service);
    if (!mine) return [];
    const cleared: Address[] = [];
    for (const k of [...mine]) {
      const e = this.byIp.get(k);
      const pending = e?.by.get(service);
      if (!e || !pending || pending.at > upTo) continue;
      this.remove(service, k);
      if (!this.byIp.has(k)) cleared.push(e.ip);
    }
    return cleared;
  }

  /** Every address in quarantine (to keep them out of rebuilt pools). */
  addresses(): Address[] {
    return [...this.byIp.values()].map((e) => e.ip);
  }

  /** Whether `service` has releases waiting for confirmation. */
  pendingFor(service: string): boolean {
    return (this.byService.get(service)?.size ?? 0) > 0;
  }

  private remove(service: string, k: string): boolean {
    const e = this.byIp.get(k);
    if (!e?.by.delete(service)) return false;
    if (e.by.size === 0) this.byIp.delete(k);
    const mine = this.byService.get(service);
    mine?.delete(k);
    if (mine?.size === 0) this.byService.delete(service);
    return true;
  }
}
