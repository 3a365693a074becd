import { ConfigErrorReason, type ErrorSink, errorSink } from './config-error.js';
import { describe, isAbsent, isRecord, readObject } from './fields.js';
import type { ConfigError, ObjectKind } from './types.js';

/** The parts every CRD object shares, read defensively. */
export interface ObjectHead {
  /** '' when the object has no usable name; such an object is always invalid. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: unknown;
  readonly sink: ErrorSink;
}

/** Reads metadata.name and metadata.labels, reporting into `errors` under the object's name. */
export function readObjectHead(
  raw: unknown,
  kind: ObjectKind,
  errors: ConfigError[],
): ObjectHead | undefined {
  if (!isRecord(raw)) {
    errorSink(kind, '', errors).add(
      '',
      ConfigErrorReason.InvalidField,
      `want an object, got ${describe(raw)}`,
    );
    return undefined;
  }
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const sink = errorSink(kind, name, errors);
  if (name === '') sink.add('metadata.name', ConfigErrorReason.InvalidField, 'name is required');

  const labels: Record<string, string> = {};
  if (!isAbsent(meta.labels)) {
    if (!isRecord(meta.labels))
      sink.add('metadata.labels', ConfigErrorReason.InvalidField, `want a map, got ${describe(meta.labels)}`);
    else
      for (const [k, v] of Object.entries(meta.labels)) {
        if (typeof v === 'string') labels[k] = v;
        else sink.add('metadata.labels', ConfigErrorReason.InvalidField, `label "${k}" is not a string`);
      }
  }
  return { name, labels, spec: raw.spec, sink };
}

/** An object's name, its error sink, and its spec as an object (undefined when the object is unusable). */
export interface ObjectSpec {
  readonly name: string;
  readonly sink: ErrorSink;
  /** An absent spec reads as {} (every kind here has defaults for all of it); undefined after an error. */
  readonly spec: Record<string, unknown> | undefined;
  readonly errors: ConfigError[];
}

/** The opening every parser shares: the head, then the spec, with the errors of both collected. */
export function readObjectSpec(raw: unknown, kind: ObjectKind): ObjectSpec {
  const errors: ConfigError[] = [];
  const head = readObjectHead(raw, kind, errors);
  if (!head) return { name: '', sink: errorSink(kind, '', errors), spec: undefined, errors };
  return { name: head.name, sink: head.sink, spec: readObject(head.spec, 'spec', head.sink), errors };
}
