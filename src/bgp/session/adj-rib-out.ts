/**
 * What BareLB advertises to one peer, and the UPDATEs that move the peer from what it has to what it
 * should have (pure). Routes with the same attributes share UPDATEs; each UPDATE stays within the
 * 4,096-byte limit. IPv4 routes go in the classic NLRI field, IPv6 routes in MP_REACH_NLRI (RFC 4760).
 */
import { type Address, formatAddress } from '../../net/address.js';
import { encodedLength } from '../wire/codec.js';
import { Afi, MAX_MESSAGE_LENGTH, Safi } from '../wire/codes.js';
import type { PathAttributes, UpdateMessage, WireContext } from '../wire/messages.js';
import type { Prefix } from '../wire/prefix.js';

/** One advertised route: a prefix, its next hop, and the rest of its attributes. */
export interface Route {
  readonly prefix: Prefix;
  readonly nextHop: Address;
  /** Without NEXT_HOP and MP_*: those come from `nextHop` and the prefix's family. */
  readonly attributes: PathAttributes;
}

export const prefixKey = (p: Prefix) => `${formatAddress(p.address)}/${p.length}`;

/** Routes to announce (new or changed) and prefixes to withdraw, from the peer's view to the wanted one. */
export function ribDiff(
  sent: ReadonlyMap<string, Route>,
  wanted: ReadonlyMap<string, Route>,
): { announce: Route[]; withdraw: Prefix[] } {
  const announce: Route[] = [];
  for (const [k, r] of wanted) {
    const had = sent.get(k);
    if (!had || groupKey(had) !== groupKey(r)) announce.push(r);
  }
  const withdraw = [...sent].filter(([k]) => !wanted.has(k)).map(([, r]) => r.prefix);
  return { announce, withdraw };
}

/** Routes that can share one UPDATE: same family, next hop and attributes. */
function groupKey(r: Route): string {
  return JSON.stringify([r.prefix.address.family, formatAddress(r.nextHop), r.attributes], (_k, v) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

function updateFor(
  family: 'IPv4' | 'IPv6',
  attrs: PathAttributes,
  nextHop: Address | undefined,
  nlri: Prefix[],
  withdrawn: Prefix[],
): UpdateMessage {
  if (family === 'IPv4')
    return {
      type: 'update',
      withdrawn,
      attributes: nlri.length > 0 && nextHop ? { ...attrs, nextHop } : {},
      nlri,
    };
  return {
    type: 'update',
    withdrawn: [],
    attributes: {
      ...(nlri.length > 0 && nextHop
        ? { ...attrs, mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHops: [nextHop], nlri } }
        : {}),
      ...(withdrawn.length > 0 ? { mpUnreach: { afi: Afi.IPV6, safi: Safi.UNICAST, withdrawn } } : {}),
    },
    nlri: [],
  };
}

/** Splits `items` into as few UPDATEs as fit in 4,096 bytes each (measured by encoding). */
function pack(items: Prefix[], make: (part: Prefix[]) => UpdateMessage, ctx: WireContext): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  let rest = items;
  while (rest.length > 0) {
    // The largest prefix count that fits, by binary search: log2(n) encodes per message.
    let lo = 1;
    let hi = rest.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (encodedLength(make(rest.slice(0, mid)), ctx) <= MAX_MESSAGE_LENGTH) lo = mid;
      else hi = mid - 1;
    }
    out.push(make(rest.slice(0, lo)));
    rest = rest.slice(lo);
  }
  return out;
}

/** The UPDATEs for a diff: withdrawals first (per family), then announcements grouped by attributes. */
export function packUpdates(
  announce: readonly Route[],
  withdraw: readonly Prefix[],
  ctx: WireContext,
): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  for (const family of ['IPv4', 'IPv6'] as const) {
    const w = withdraw.filter((p) => p.address.family === family);
    out.push(...pack(w, (part) => updateFor(family, {}, undefined, [], part), ctx));
  }
  const groups = new Map<string, Route[]>();
  for (const r of announce) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
  for (const rs of groups.values()) {
    const first = rs[0];
    if (!first) continue;
    const family = first.prefix.address.family;
    out.push(
      ...pack(
        rs.map((r) => r.prefix),
        (part) => updateFor(family, first.attributes, first.nextHop, part, []),
        ctx,
      ),
    );
  }
  return out;
}

/** End-of-RIB for a family (RFC 4724 §2): an empty UPDATE, or an empty MP_UNREACH for IPv6. */
export function endOfRib(family: 'IPv4' | 'IPv6'): UpdateMessage {
  return family === 'IPv4'
    ? { type: 'update', withdrawn: [], attributes: {}, nlri: [] }
    : {
        type: 'update',
        withdrawn: [],
        attributes: { mpUnreach: { afi: Afi.IPV6, safi: Safi.UNICAST, withdrawn: [] } },
        nlri: [],
      };
}
