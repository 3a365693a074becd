import type { BgpAdvertisementConfig } from './bgp-types.js';
import { ConfigErrorReason } from './config-error.js';
import { readInteger, readStringList } from './fields.js';
import { dns1123SubdomainProblem } from './k8s-names.js';
import { readObjectSpec } from './object-head.js';
import { readPoolRefs } from './parse-l2-advertisement.js';
import { parseLabelSelectors } from './parse-label-selector.js';
import type { ConfigError } from './types.js';

/** An advertisement before its community aliases are resolved (buildBgpConfig does that). */
export type BgpAdvertisementDraft = Omit<BgpAdvertisementConfig, 'communities'> & {
  /** As written: `65535:65282`, `large:1:2:3`, or the name of an alias from a Community object. */
  readonly communities: readonly string[];
};

export interface BgpAdvertisementParse {
  readonly name: string;
  /** Undefined when there is any error; used whole or not at all, as an L2Advertisement. */
  readonly draft: BgpAdvertisementDraft | undefined;
  readonly errors: readonly ConfigError[];
}

const MAX_U32 = 0xffff_ffff;

/** Validates one BGPAdvertisement on its own; its pools, peers and aliases are checked in buildBgpConfig. */
export function parseBgpAdvertisement(raw: unknown): BgpAdvertisementParse {
  // An absent spec advertises every pool to every peer from every node, each address as a /32 or /128.
  const { name, sink, spec: s, errors } = readObjectSpec(raw, 'BGPAdvertisement');
  if (!s) return { name, draft: undefined, errors };
  const draft: BgpAdvertisementDraft = {
    name,
    aggregationLength: readInteger(s.aggregationLength, 'spec.aggregationLength', 0, 32, sink) ?? 32,
    aggregationLengthV6: readInteger(s.aggregationLengthV6, 'spec.aggregationLengthV6', 0, 128, sink) ?? 128,
    localPref: readInteger(s.localPref, 'spec.localPref', 0, MAX_U32, sink),
    communities: readStringList(
      s.communities,
      'spec.communities',
      sink,
      ConfigErrorReason.InvalidField,
      (c) => (c === '' ? 'empty community' : undefined),
    ),
    ...readPoolRefs(s, sink),
    nodeSelectors: parseLabelSelectors(s.nodeSelectors, 'spec.nodeSelectors', sink),
    peers: readStringList(
      s.peers,
      'spec.peers',
      sink,
      ConfigErrorReason.InvalidField,
      dns1123SubdomainProblem,
    ),
  };
  return { name, draft: errors.length === 0 ? draft : undefined, errors };
}
