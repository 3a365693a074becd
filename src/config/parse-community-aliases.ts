import { type CommunityValue, parseCommunity } from './bgp-community.js';
import { ConfigErrorReason, type ErrorSink } from './config-error.js';
import { isRecord, readList, readString } from './fields.js';
import { readObjectSpec } from './object-head.js';
import type { ConfigError } from './types.js';

export interface CommunityAliasesParse {
  readonly name: string;
  /** Alias name -> value; the valid entries (a bad entry does not hide the others). */
  readonly aliases: ReadonlyMap<string, CommunityValue>;
  readonly errors: readonly ConfigError[];
}

/**
 * One Community object: named communities (`{name: NO_ADVERTISE, value: 65535:65282}`) that
 * BGPAdvertisements may name instead of writing the value. Unlike the other kinds, a bad entry is
 * dropped alone: an advertisement that names it is refused (UnknownReference), the rest keep working.
 */
export function parseCommunityAliases(raw: unknown): CommunityAliasesParse {
  const aliases = new Map<string, CommunityValue>();
  const { name, sink, spec: s, errors } = readObjectSpec(raw, 'Community');
  const items = s ? (readList(s.communities, 'spec.communities', sink) ?? []) : [];
  items.forEach((item, i) => {
    const path = `spec.communities[${i}]`;
    const entry = readAlias(item, path, sink);
    if (!entry) return;
    if (aliases.has(entry.alias))
      sink.add(
        `${path}.name`,
        ConfigErrorReason.DuplicateName,
        `"${entry.alias}" is defined twice in this object`,
      );
    else aliases.set(entry.alias, entry.value);
  });
  return { name, aliases, errors };
}

function readAlias(
  item: unknown,
  path: string,
  sink: ErrorSink,
): { alias: string; value: CommunityValue } | undefined {
  if (!isRecord(item)) {
    sink.add(path, ConfigErrorReason.InvalidField, 'want an object with name and value');
    return undefined;
  }
  const alias = readString(item.name, `${path}.name`, sink);
  const value = readString(item.value, `${path}.value`, sink);
  if (!alias) {
    sink.add(`${path}.name`, ConfigErrorReason.InvalidField, 'name is required');
    return undefined;
  }
  // An alias that reads as a community would be ambiguous in a BGPAdvertisement.
  if (parseCommunity(alias).ok) {
    sink.add(`${path}.name`, ConfigErrorReason.InvalidField, `"${alias}" is a community value, not a name`);
    return undefined;
  }
  if (value === undefined) {
    sink.add(`${path}.value`, ConfigErrorReason.InvalidField, 'value is required');
    return undefined;
  }
  const c = parseCommunity(value);
  if (!c.ok) {
    sink.add(`${path}.value`, ConfigErrorReason.InvalidField, c.reason);
    return undefined;
  }
  return { alias, value: c.community };
}
