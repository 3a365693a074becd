/**
 * Numbers of the BGP-4 wire format (RFC 4271) and the extensions BareLB speaks: multiprotocol
 * (RFC 4760), capabilities (RFC 5492), 4-octet AS numbers (RFC 6793), graceful restart (RFC 4724),
 * route refresh (RFC 2918), communities (RFC 1997) and large communities (RFC 8092).
 */

export const HEADER_LENGTH = 19;
/** Without the extended-message capability (RFC 8654), which BareLB neither offers nor needs. */
export const MAX_MESSAGE_LENGTH = 4096;
export const BGP_VERSION = 4;
/** The 2-octet stand-in for a 4-octet AS number in OPEN's My AS and in old AS_PATHs (RFC 6793). */
export const AS_TRANS = 23456;

export const MessageType = { OPEN: 1, UPDATE: 2, NOTIFICATION: 3, KEEPALIVE: 4, ROUTE_REFRESH: 5 } as const;

/** The smallest valid length of each message type, header included (RFC 4271 §4, RFC 2918). */
export const MIN_LENGTH: Readonly<Record<number, number>> = {
  [MessageType.OPEN]: 29,
  [MessageType.UPDATE]: 23,
  [MessageType.NOTIFICATION]: 21,
  [MessageType.KEEPALIVE]: 19,
  [MessageType.ROUTE_REFRESH]: 23,
};

/** NOTIFICATION error codes (RFC 4271 §4.5) and the subcodes BareLB sends or names. */
export const ErrorCode = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
} as const;

export const HeaderSubcode = { NOT_SYNCHRONIZED: 1, BAD_LENGTH: 2, BAD_TYPE: 3 } as const;

export const OpenSubcode = {
  UNSPECIFIC: 0,
  UNSUPPORTED_VERSION: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
} as const;

export const UpdateSubcode = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN: 2,
  MISSING_WELL_KNOWN: 3,
  ATTRIBUTE_FLAGS: 4,
  ATTRIBUTE_LENGTH: 5,
  INVALID_ORIGIN: 6,
  INVALID_NEXT_HOP: 8,
  OPTIONAL_ATTRIBUTE: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

/** Cease subcodes (RFC 4486). */
export const CeaseSubcode = {
  MAX_PREFIXES: 1,
  ADMIN_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMIN_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  /** RFC 9384: the session is closed because BFD went down. */
  BFD_DOWN: 10,
} as const;

export type CeaseSubcodeValue = (typeof CeaseSubcode)[keyof typeof CeaseSubcode];

export const OptionalParameter = { CAPABILITIES: 2 } as const;

export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
} as const;

export const Afi = { IPV4: 1, IPV6: 2 } as const;
export const Safi = { UNICAST: 1 } as const;

export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MED: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  LARGE_COMMUNITIES: 32,
} as const;

export const AttrFlag = { OPTIONAL: 0x80, TRANSITIVE: 0x40, PARTIAL: 0x20, EXTENDED_LENGTH: 0x10 } as const;

export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;
export const AsPathSegment = { AS_SET: 1, AS_SEQUENCE: 2 } as const;
