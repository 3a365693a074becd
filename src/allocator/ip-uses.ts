import type { Address, Family } from '../net/address.js';
import type { ShareTerms } from './intent.js';

/** What one Service holds. */
export interface Holding {
  readonly key: string;
  readonly share: ShareTerms;
  /** In the Service's ipFamilies order. */
  readonly ips: readonly Address[];
  readonly pool: string;
}

/** One address in use, by one Service or by several sharing it. */
export interface IpUse {
  readonly address: Address;
  readonly pool: string;
  readonly users: Map<string, Holding>;
  /** The users' common allow-shared-ip key (they all carry the same one, or there is one user). */
  sharingKey: string | undefined;
}

/**
 * Every address in use, with its users, found by address in O(1) and by sharing key, so that
 * a Service asking to share finds its partners without looking at every Service.
 */
export class IpUses {
  private readonly byFamily: Record<Family, Map<bigint, IpUse>> = { IPv4: new Map(), IPv6: new Map() };
  private readonly bySharingKey = new Map<string, Set<IpUse>>();

  get(a: Address): IpUse | undefined {
    return this.byFamily[a.family].get(a.value);
  }

  /** Adds (or updates) a user of `a`; true when the address was unused before. */
  add(a: Address, pool: string, holding: Holding): boolean {
    const existing = this.get(a);
    const use = existing ?? { address: a, pool, users: new Map(), sharingKey: holding.share.sharingKey };
    if (!existing) {
      this.byFamily[a.family].set(a.value, use);
      this.index(use);
    }
    use.users.set(holding.key, holding);
    if (use.sharingKey !== holding.share.sharingKey) {
      // Only a sole user can change the key (sharing.ts refuses otherwise): move it in the index.
      this.unindex(use);
      use.sharingKey = holding.share.sharingKey;
      this.index(use);
    }
    return !existing;
  }

  /** Removes a user of `a`; true when nobody uses the address any more. */
  remove(a: Address, key: string): boolean {
    const use = this.get(a);
    if (!use?.users.delete(key)) return false;
    if (use.users.size > 0) return false;
    this.byFamily[a.family].delete(a.value);
    this.unindex(use);
    return true;
  }

  /** Addresses whose users carry this sharing key. */
  sharedUnder(sharingKey: string): Iterable<IpUse> {
    return this.bySharingKey.get(sharingKey) ?? [];
  }

  *all(): Generator<IpUse> {
    yield* this.byFamily.IPv4.values();
    yield* this.byFamily.IPv6.values();
  }

  private index(use: IpUse): void {
    if (use.sharingKey === undefined) return;
    let set = this.bySharingKey.get(use.sharingKey);
    if (!set) {
      set = new Set();
      this.bySharingKey.set(use.sharingKey, set);
    }
    set.add(use);
  }

  private unindex(use: IpUse): void {
    if (use.sharingKey === undefined) return;
    const set = this.bySharingKey.get(use.sharingKey);
    set?.delete(use);
    if (set?.size === 0) this.bySharingKey.delete(use.sharingKey);
  }
}
