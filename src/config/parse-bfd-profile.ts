import type { BfdProfileConfig } from './bgp-types.js';
import { readBoolean, readInteger } from './fields.js';
import { readObjectSpec } from './object-head.js';
import type { ConfigError } from './types.js';

export interface BfdProfileParse {
  readonly name: string;
  readonly profile: BfdProfileConfig | undefined;
  readonly errors: readonly ConfigError[];
}

/**
 * Validates one BFDProfile. Bounds and defaults are MetalLB's (which are FRR bfdd's): intervals
 * 10-60000 ms, 300 ms by default, so detection takes 900 ms at the default multiplier of 3.
 */
export function parseBfdProfile(raw: unknown): BfdProfileParse {
  const { name, sink, spec: s, errors } = readObjectSpec(raw, 'BFDProfile');
  if (!s) return { name, profile: undefined, errors };
  const interval = (field: string, fallback: number) =>
    readInteger(s[field], `spec.${field}`, 10, 60_000, sink) ?? fallback;
  const profile: BfdProfileConfig = {
    name,
    receiveIntervalMs: interval('receiveInterval', 300),
    transmitIntervalMs: interval('transmitInterval', 300),
    detectMultiplier: readInteger(s.detectMultiplier, 'spec.detectMultiplier', 2, 255, sink) ?? 3,
    echoIntervalMs: interval('echoInterval', 50),
    echoMode: readBoolean(s.echoMode, 'spec.echoMode', false, sink),
    passiveMode: readBoolean(s.passiveMode, 'spec.passiveMode', false, sink),
    minimumTtl: readInteger(s.minimumTtl, 'spec.minimumTtl', 1, 254, sink) ?? 254,
  };
  return { name, profile: errors.length === 0 ? profile : undefined, errors };
}
