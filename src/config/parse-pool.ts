import { type AddressRange, formatRange, parseRange } from '../net/range.js';
import { ConfigErrorReason, type ErrorSink } from './config-error.js';
import { describe, isAbsent, readBoolean, readList, readObject, readStringList, show } from './fields.js';
import { dns1123LabelProblem } from './k8s-names.js';
import { readObjectHead } from './object-head.js';
import { parseLabelSelectors } from './parse-label-selector.js';
import { compareRanges, overlappingPairs } from './range-overlaps.js';
import type { ConfigError, PoolConfig, ServiceAllocation } from './types.js';

/** The CRD stores priority as int32; anything larger is a typo, not a priority. */
export const MAX_PRIORITY = 2 ** 31 - 1;

/** One parsed `spec.addresses` entry, remembered with its index so later errors can point at it. */
export interface RangeSource {
  readonly index: number;
  readonly range: AddressRange;
}

export interface PoolParse {
  /** '' when the object has no name. */
  readonly name: string;
  /** Undefined when there is any error: a pool is used whole or not at all. */
  readonly pool: PoolConfig | undefined;
  /** The ranges that parsed, in spec order; used for the cross-pool overlap check. */
  readonly sources: readonly RangeSource[];
  readonly errors: readonly ConfigError[];
}

/** Validates one IPAddressPool object on its own; checks against other pools happen in buildConfig. */
export function parsePool(raw: unknown): PoolParse {
  const errors: ConfigError[] = [];
  const head = readObjectHead(raw, 'IPAddressPool', errors);
  if (!head) return { name: '', pool: undefined, sources: [], errors };
  const { name, labels, spec, sink } = head;
  if (isAbsent(spec)) {
    sink.add('spec', ConfigErrorReason.InvalidField, 'spec is required');
    return { name, pool: undefined, sources: [], errors };
  }
  const s = readObject(spec, 'spec', sink);
  if (!s) return { name, pool: undefined, sources: [], errors };

  const sources = readAddresses(s.addresses, sink);
  const autoAssign = readBoolean(s.autoAssign, 'spec.autoAssign', true, sink);
  const avoidBuggyIPs = readBoolean(s.avoidBuggyIPs, 'spec.avoidBuggyIPs', false, sink);
  const allocation = readServiceAllocation(s.serviceAllocation, sink);

  const pool: PoolConfig | undefined =
    errors.length === 0 && allocation
      ? {
          name,
          ranges: sources.map((src) => src.range).sort(compareRanges),
          autoAssign,
          avoidBuggyIPs,
          allocation,
          labels,
        }
      : undefined;
  return { name, pool, sources, errors };
}

function readAddresses(v: unknown, sink: ErrorSink): RangeSource[] {
  const path = 'spec.addresses';
  if (isAbsent(v)) {
    sink.add(path, ConfigErrorReason.InvalidField, 'at least one address range is required');
    return [];
  }
  const items = readList(v, path, sink);
  if (!items) return [];
  if (items.length === 0)
    sink.add(path, ConfigErrorReason.InvalidField, 'at least one address range is required');

  const sources: RangeSource[] = [];
  items.forEach((item, index) => {
    if (typeof item !== 'string') {
      sink.add(`${path}[${index}]`, ConfigErrorReason.BadAddress, `want a string, got ${describe(item)}`);
      return;
    }
    const parsed = parseRange(item);
    if (parsed.ok) sources.push({ index, range: parsed.range });
    else sink.add(`${path}[${index}]`, ConfigErrorReason.BadAddress, parsed.reason);
  });

  // Report each overlap once, on the entry that comes later in the spec: that is usually the one just added.
  for (const [a, b] of overlappingPairs(sources.map((src) => ({ range: src.range, tag: src.index })))) {
    const [early, late] = a.tag < b.tag ? [a, b] : [b, a];
    sink.add(
      `${path}[${late.tag}]`,
      ConfigErrorReason.Overlap,
      `${formatRange(late.range)} overlaps ${path}[${early.tag}] ${formatRange(early.range)}`,
    );
  }
  return sources;
}

function readServiceAllocation(v: unknown, sink: ErrorSink): ServiceAllocation | undefined {
  const path = 'spec.serviceAllocation';
  const o = readObject(v, path, sink);
  if (!o) return undefined;
  return {
    priority: readPriority(o.priority, `${path}.priority`, sink),
    namespaces: readStringList(
      o.namespaces,
      `${path}.namespaces`,
      sink,
      ConfigErrorReason.InvalidField,
      dns1123LabelProblem,
    ),
    namespaceSelectors: parseLabelSelectors(o.namespaceSelectors, `${path}.namespaceSelectors`, sink),
    serviceSelectors: parseLabelSelectors(o.serviceSelectors, `${path}.serviceSelectors`, sink),
  };
}

function readPriority(v: unknown, path: string, sink: ErrorSink): number | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    sink.add(path, ConfigErrorReason.InvalidField, `want an integer, got ${show(v)}`);
    return undefined;
  }
  if (v < 0 || v > MAX_PRIORITY) {
    sink.add(path, ConfigErrorReason.InvalidField, `priority ${v} is outside 0..${MAX_PRIORITY}`);
    return undefined;
  }
  return v;
}
