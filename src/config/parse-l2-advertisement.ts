import { ConfigErrorReason, type ErrorSink } from './config-error.js';
import { readStringList } from './fields.js';
import { interfaceNameProblem } from './interface-name.js';
import { dns1123SubdomainProblem } from './k8s-names.js';
import type { LabelSelector } from './label-selector.js';
import { readObjectSpec } from './object-head.js';
import { parseLabelSelectors } from './parse-label-selector.js';
import type { ConfigError, L2AdvertisementConfig } from './types.js';

export interface L2AdvertisementParse {
  /** '' when the object has no name. */
  readonly name: string;
  /**
   * Undefined when there is any error. Used whole or not at all: dropping a bad pool reference and keeping the
   * rest could turn "these pools" into "all pools" (an empty list means all).
   */
  readonly advertisement: L2AdvertisementConfig | undefined;
  readonly errors: readonly ConfigError[];
}

/** Validates one L2Advertisement on its own; whether its pools exist is checked in buildConfig. */
export function parseL2Advertisement(raw: unknown): L2AdvertisementParse {
  // An absent spec is valid: it advertises every pool from every node, MetalLB's simplest setup.
  const { name, sink, spec: s, errors } = readObjectSpec(raw, 'L2Advertisement');
  if (!s) return { name, advertisement: undefined, errors };

  const advertisement: L2AdvertisementConfig = {
    name,
    ...readPoolRefs(s, sink),
    nodeSelectors: parseLabelSelectors(s.nodeSelectors, 'spec.nodeSelectors', sink),
    serviceSelectors: parseLabelSelectors(s.serviceSelectors, 'spec.serviceSelectors', sink),
    interfaces: readStringList(
      s.interfaces,
      'spec.interfaces',
      sink,
      ConfigErrorReason.BadInterface,
      interfaceNameProblem,
    ),
  };
  return { name, advertisement: errors.length === 0 ? advertisement : undefined, errors };
}

/** The pools an advertisement covers, by name and by label (L2Advertisement and BGPAdvertisement alike). */
export function readPoolRefs(
  s: Record<string, unknown>,
  sink: ErrorSink,
): { poolNames: string[]; poolSelectors: LabelSelector[] } {
  return {
    poolNames: readStringList(
      s.ipAddressPools,
      'spec.ipAddressPools',
      sink,
      ConfigErrorReason.InvalidField,
      dns1123SubdomainProblem,
    ),
    poolSelectors: parseLabelSelectors(s.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', sink),
  };
}
