import type { Address } from '../../net/address.js';
import type { Prefix } from './prefix.js';

/** What the encoder and decoder need from the session: whether both sides said 4-octet AS (RFC 6793). */
export interface WireContext {
  readonly fourOctetAs: boolean;
}

export type Capability =
  | { readonly kind: 'multiprotocol'; readonly afi: number; readonly safi: number }
  | { readonly kind: 'route-refresh' }
  | { readonly kind: 'four-octet-as'; readonly asn: number }
  | {
      readonly kind: 'graceful-restart';
      /** The R bit: the sender has restarted and is still collecting routes. */
      readonly restarting: boolean;
      readonly restartTimeS: number;
      readonly families: readonly {
        readonly afi: number;
        readonly safi: number;
        readonly forwardingPreserved: boolean;
      }[];
    }
  | { readonly kind: 'unknown'; readonly code: number; readonly value: Uint8Array };

export interface OpenMessage {
  readonly type: 'open';
  readonly version: number;
  /** The 2-octet field: AS_TRANS when the real ASN needs 4 octets (then see the capability). */
  readonly myAs: number;
  readonly holdTimeS: number;
  /** The BGP Identifier as an unsigned 32-bit number. */
  readonly bgpId: number;
  readonly capabilities: readonly Capability[];
}

export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  readonly afi: number;
  readonly safi: number;
}

export interface AsPathSegment {
  /** 1 AS_SET, 2 AS_SEQUENCE. */
  readonly type: number;
  readonly asns: readonly number[];
}

/** The path attributes BareLB sends or reads; others are kept as they came. */
export interface PathAttributes {
  readonly origin?: number;
  readonly asPath?: readonly AsPathSegment[];
  /** IPv4 routes' next hop (IPv6 routes carry theirs in mpReach). */
  readonly nextHop?: Address;
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: boolean;
  readonly aggregator?: { readonly asn: number; readonly address: Address };
  /** RFC 1997 communities, each as its 32-bit value (ASN << 16 | value). */
  readonly communities?: readonly number[];
  /** RFC 8092: global administrator, local data part 1, local data part 2. */
  readonly largeCommunities?: readonly (readonly [number, number, number])[];
  readonly mpReach?: {
    readonly afi: number;
    readonly safi: number;
    /** One global next hop, or a global and a link-local one (IPv6). */
    readonly nextHops: readonly Address[];
    readonly nlri: readonly Prefix[];
  };
  readonly mpUnreach?: { readonly afi: number; readonly safi: number; readonly withdrawn: readonly Prefix[] };
  /** Attributes of other types, with their flags (AS4_PATH among them when a 2-octet peer sends it). */
  readonly other?: readonly { readonly flags: number; readonly code: number; readonly value: Uint8Array }[];
}

export interface UpdateMessage {
  readonly type: 'update';
  readonly withdrawn: readonly Prefix[];
  readonly attributes: PathAttributes;
  readonly nlri: readonly Prefix[];
}

export type BgpMessage =
  | OpenMessage
  | UpdateMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage;
