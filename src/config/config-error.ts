import type { ConfigError, ObjectKind } from './types.js';

/**
 * Stable reasons carried by `ConfigError.reason`. They end up in status conditions, Events and metric labels,
 * so renaming one is an API change.
 */
export const ConfigErrorReason = {
  /** A field has the wrong type, is missing, or is out of bounds. */
  InvalidField: 'InvalidField',
  /** An entry of `spec.addresses` is not a CIDR or a start-end range. */
  BadAddress: 'BadAddress',
  /** Ranges overlap, inside one pool or across two pools. */
  Overlap: 'Overlap',
  /** Two objects of one kind share a name (possible when objects come from several namespaces or files). */
  DuplicateName: 'DuplicateName',
  /** A label selector is malformed. */
  BadSelector: 'BadSelector',
  /** An interface name Linux would refuse. */
  BadInterface: 'BadInterface',
  /** An L2Advertisement names a pool that does not exist. A warning: the advertisement still applies. */
  UnknownPool: 'UnknownPool',
  /** A BGPAdvertisement names a BGPPeer that does not exist. A warning, as UnknownPool. */
  UnknownPeer: 'UnknownPeer',
  /**
   * An object names another it cannot do without: a BGPPeer its BFD profile, a BGPAdvertisement a
   * community alias. Left out until the other exists: BFD silently off, or a route sent without its
   * NO_EXPORT, would be worse than waiting.
   */
  UnknownReference: 'UnknownReference',
  /** A setting MetalLB has that BareLB does not implement (say a VRF): refused, not ignored. */
  Unsupported: 'Unsupported',
} as const;

export type ConfigErrorReason = (typeof ConfigErrorReason)[keyof typeof ConfigErrorReason];

/**
 * Reasons that are reported but do not exclude the object from the Config. A pool that is referenced before
 * it is created (or after it was deleted) is normal during rollouts; dropping the whole advertisement would
 * stop announcements for every other pool it names.
 */
const WARNING_REASONS: ReadonlySet<string> = new Set<string>([
  ConfigErrorReason.UnknownPool,
  ConfigErrorReason.UnknownPeer,
]);

/** True when the error is informational: the object it names is still part of the Config. */
export function isWarning(e: ConfigError): boolean {
  return WARNING_REASONS.has(e.reason);
}

const KIND_WORD: Readonly<Record<ObjectKind, string>> = {
  IPAddressPool: 'pool',
  L2Advertisement: 'l2advertisement',
  BGPPeer: 'bgppeer',
  BGPAdvertisement: 'bgpadvertisement',
  BFDProfile: 'bfdprofile',
  Community: 'community',
};

/** `pool "lan": spec.addresses[2]: range start after end`; the path part is left out when empty. */
export function formatConfigError(e: ConfigError): string {
  const subject = `${KIND_WORD[e.kind]} "${e.name}"`;
  return e.path === '' ? `${subject}: ${e.message}` : `${subject}: ${e.path}: ${e.message}`;
}

/** The errors about one object, e.g. to build the conditions of one pool's status. */
export function errorsOf(errors: readonly ConfigError[], kind: ObjectKind, name: string): ConfigError[] {
  return errors.filter((e) => e.kind === kind && e.name === name);
}

/** Collects the errors of one object; parsers take it so they never need to know the object's name. */
export interface ErrorSink {
  add(path: string, reason: ConfigErrorReason, message: string): void;
}

export function errorSink(kind: ObjectKind, name: string, into: ConfigError[]): ErrorSink {
  return {
    add(path, reason, message) {
      into.push({ kind, name, path, reason, message });
    },
  };
}
