import { ConfigErrorReason, type ErrorSink } from './config-error.js';
import { describe, isAbsent, isRecord, show } from './fields.js';
import { labelKeyProblem, labelValueProblem } from './k8s-names.js';
import type { LabelSelector, LabelSelectorRequirement } from './label-selector.js';

const OPERATORS: readonly LabelSelectorRequirement['operator'][] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const BAD = ConfigErrorReason.BadSelector;

/**
 * Checks a metav1.LabelSelector with apimachinery's rules (LabelSelectorAsSelector): operators, values
 * required for In/NotIn and forbidden for Exists/DoesNotExist, label key and value syntax.
 * Returns undefined when anything is wrong: a half-understood selector could select what nobody meant.
 */
export function parseLabelSelector(v: unknown, path: string, sink: ErrorSink): LabelSelector | undefined {
  if (!isRecord(v)) {
    sink.add(path, BAD, `want a label selector object, got ${describe(v)}`);
    return undefined;
  }
  let ok = true;
  const fail = (p: string, message: string): void => {
    sink.add(p, BAD, message);
    ok = false;
  };

  let matchLabels: Record<string, string> | undefined;
  if (!isAbsent(v.matchLabels)) {
    const p = `${path}.matchLabels`;
    if (!isRecord(v.matchLabels)) fail(p, `want a map of strings, got ${describe(v.matchLabels)}`);
    else {
      matchLabels = {};
      for (const [key, value] of Object.entries(v.matchLabels)) {
        if (typeof value !== 'string') {
          fail(p, `label "${key}": want a string value, got ${describe(value)}`);
          continue;
        }
        const problem = labelKeyProblem(key) ?? labelValueProblem(value);
        if (problem !== undefined) fail(p, problem);
        else matchLabels[key] = value;
      }
    }
  }

  let matchExpressions: LabelSelectorRequirement[] | undefined;
  if (!isAbsent(v.matchExpressions)) {
    const p = `${path}.matchExpressions`;
    if (!Array.isArray(v.matchExpressions)) fail(p, `want a list, got ${describe(v.matchExpressions)}`);
    else {
      matchExpressions = [];
      v.matchExpressions.forEach((item: unknown, i) => {
        const req = parseRequirement(item, `${p}[${i}]`, fail);
        if (req) matchExpressions?.push(req);
      });
    }
  }

  if (!ok) return undefined;
  return {
    ...(matchLabels === undefined ? {} : { matchLabels }),
    ...(matchExpressions === undefined ? {} : { matchExpressions }),
  };
}

function parseRequirement(
  v: unknown,
  path: string,
  fail: (path: string, message: string) => void,
): LabelSelectorRequirement | undefined {
  if (!isRecord(v)) {
    fail(path, `want a requirement object, got ${describe(v)}`);
    return undefined;
  }
  const { key, operator, values } = v;
  let ok = true;
  const bad = (p: string, message: string): void => {
    fail(p, message);
    ok = false;
  };

  if (typeof key !== 'string' || key === '') bad(`${path}.key`, 'key is required');
  else {
    const problem = labelKeyProblem(key);
    if (problem !== undefined) bad(`${path}.key`, problem);
  }

  const op = OPERATORS.find((o) => o === operator);
  if (isAbsent(operator)) bad(`${path}.operator`, 'operator is required');
  else if (op === undefined)
    bad(`${path}.operator`, `operator must be one of ${OPERATORS.join(', ')}, got ${show(operator)}`);

  const list: string[] = [];
  if (!isAbsent(values)) {
    if (!Array.isArray(values)) bad(`${path}.values`, `want a list of strings, got ${describe(values)}`);
    else
      values.forEach((value: unknown, i) => {
        const problem =
          typeof value === 'string' ? labelValueProblem(value) : `want a string, got ${describe(value)}`;
        if (problem !== undefined) bad(`${path}.values[${i}]`, problem);
        else if (typeof value === 'string') list.push(value);
      });
  }
  const hasValues = Array.isArray(values) && values.length > 0;
  if ((op === 'In' || op === 'NotIn') && !hasValues)
    bad(`${path}.values`, `values must be non-empty when operator is ${op}`);
  if ((op === 'Exists' || op === 'DoesNotExist') && hasValues)
    bad(`${path}.values`, `values must be empty when operator is ${op}`);

  if (!ok || op === undefined || typeof key !== 'string') return undefined;
  return list.length > 0 ? { key, operator: op, values: list } : { key, operator: op };
}

/** A list of selectors; [] when absent. Bad entries are reported and dropped. */
export function parseLabelSelectors(v: unknown, path: string, sink: ErrorSink): LabelSelector[] {
  if (isAbsent(v)) return [];
  if (!Array.isArray(v)) {
    sink.add(path, BAD, `want a list of label selectors, got ${describe(v)}`);
    return [];
  }
  const out: LabelSelector[] = [];
  v.forEach((item: unknown, i) => {
    const s = parseLabelSelector(item, `${path}[${i}]`, sink);
    if (s) out.push(s);
  });
  return out;
}
