import { ConfigErrorReason, type ErrorSink } from './config-error.js';

// Readers for untrusted JSON: they report into an ErrorSink and return a usable value or undefined,
// so one bad field never hides the errors of the next.

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `null` counts as absent: the API server prunes nulls of non-nullable fields and then applies defaults. */
export function isAbsent(v: unknown): v is undefined | null {
  return v === undefined || v === null;
}

/** What a value is, for messages: `want a boolean, got string`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** A short rendering of a scalar for messages; never throws (JSON.stringify does on bigint and cycles). */
export function show(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return describe(v);
}

export function readBoolean(v: unknown, path: string, fallback: boolean, sink: ErrorSink): boolean {
  if (isAbsent(v)) return fallback;
  if (typeof v === 'boolean') return v;
  sink.add(path, ConfigErrorReason.InvalidField, `want a boolean, got ${describe(v)}`);
  return fallback;
}

/** A list, or [] when absent; undefined (after reporting) when it is something else. */
export function readList(v: unknown, path: string, sink: ErrorSink): readonly unknown[] | undefined {
  if (isAbsent(v)) return [];
  if (Array.isArray(v)) return v;
  sink.add(path, ConfigErrorReason.InvalidField, `want a list, got ${describe(v)}`);
  return undefined;
}

/** An optional object, or {} when absent; undefined (after reporting) when it is something else. */
export function readObject(v: unknown, path: string, sink: ErrorSink): Record<string, unknown> | undefined {
  if (isAbsent(v)) return {};
  if (isRecord(v)) return v;
  sink.add(path, ConfigErrorReason.InvalidField, `want an object, got ${describe(v)}`);
  return undefined;
}

/**
 * A list of strings, each checked by `problem`; bad items are reported and dropped. Duplicates are kept (they
 * are harmless), so for a valid list `result[i]` is still `spec...[i]` and later errors can point at it.
 */
export function readStringList(
  v: unknown,
  path: string,
  sink: ErrorSink,
  reason: ConfigErrorReason,
  problem: (s: string) => string | undefined,
): string[] {
  const items = readList(v, path, sink) ?? [];
  const out: string[] = [];
  items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    if (typeof item !== 'string') {
      sink.add(itemPath, ConfigErrorReason.InvalidField, `want a string, got ${describe(item)}`);
      return;
    }
    const p = problem(item);
    if (p !== undefined) sink.add(itemPath, reason, p);
    else out.push(item);
  });
  return out;
}

/** An optional integer within [min, max]; undefined when absent or (after reporting) when not. */
export function readInteger(
  v: unknown,
  path: string,
  min: number,
  max: number,
  sink: ErrorSink,
): number | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    sink.add(path, ConfigErrorReason.InvalidField, `want an integer, got ${show(v)}`);
    return undefined;
  }
  if (v < min || v > max) {
    sink.add(path, ConfigErrorReason.InvalidField, `${v} is outside ${min}..${max}`);
    return undefined;
  }
  return v;
}

/** An optional string; undefined when absent or (after reporting) when not a string. */
export function readString(v: unknown, path: string, sink: ErrorSink): string | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v === 'string') return v;
  sink.add(path, ConfigErrorReason.InvalidField, `want a string, got ${describe(v)}`);
  return undefined;
}
