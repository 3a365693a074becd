import { parseAllDocuments } from 'yaml';

/** One thing to load in a fresh Node process: the modules, in order, and Node's flags. */
export interface LoadCase {
  name: string;
  flags: readonly string[];
  /** Module URLs or specifiers; each entry is one step, its modules imported together. */
  steps: readonly (readonly string[])[];
  /** Names for the steps, when the RSS each one adds is worth printing. */
  stepNames?: readonly string[];
}

/** What one fresh process reported once its modules were loaded. */
export interface LoadSample {
  rssMiB: number;
  /** The Anonymous part of RSS (/proc/self/smaps_rollup): the process's own pages, no file pages. */
  anonMiB: number;
  /** Heap in use after a full GC: what the loaded code keeps, without its garbage. */
  heapMiB: number;
  /** From the first import to the last one settled, in ms. */
  importMs: number;
  /** RSS before the first step, then after each step. */
  stepRssMiB: number[];
  /** The same for the anonymous part. */
  stepAnonMiB: number[];
}

/**
 * What each step added to a figure (`of`: RSS or its anonymous part, before the first step and after
 * each), median and range over the samples. The first step to need something shared pays for it: a
 * built-in module, or a page of Node's binary that a code path touches first.
 */
export function stepCosts(
  names: readonly string[],
  samples: readonly LoadSample[],
  of: (s: LoadSample) => readonly number[],
): { name: string; median: number; min: number; max: number }[] {
  return names.map((name, i) => ({
    name,
    ...summary(samples.map((s) => (of(s)[i + 1] ?? Number.NaN) - (of(s)[i] ?? Number.NaN))),
  }));
}

/**
 * Node's flags for each component as deploy/ runs it (`command: [node, <flags>, …/bin/barelb.js]`,
 * `args: [component]`), read from the manifests so the figures follow them when they change.
 */
export function deployNodeFlags(manifests: readonly string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  for (const text of manifests) {
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as { spec?: { template?: { spec?: { containers?: unknown } } } } | null;
      const containers = obj?.spec?.template?.spec?.containers;
      for (const c of Array.isArray(containers) ? containers : []) {
        const command: unknown[] = Array.isArray(c?.command) ? c.command : [];
        const args: unknown[] = Array.isArray(c?.args) ? c.args : [];
        // The script is the first argument that is a .js file; Node's flags come before it.
        const main = command.findIndex((a) => String(a).endsWith('.js'));
        if (command[0] !== 'node' || main < 0 || typeof args[0] !== 'string') continue;
        flags.set(args[0], command.slice(1, main).map(String));
      }
    }
  }
  return flags;
}

/**
 * The modules a file imports statically (`import … from '…'`, `import '…'`), in order: what Node
 * loads with it before any of its code runs. Type-only imports are gone from compiled JavaScript.
 */
export function staticImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) if (m[1] !== undefined) out.push(m[1]);
  return out;
}

/** Median and range of a list of figures (the machine is shared: one run says little). */
export function summary(values: readonly number[]): { median: number; min: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return {
    median: s.length === 0 ? Number.NaN : median,
    min: s[0] ?? Number.NaN,
    max: s.at(-1) ?? Number.NaN,
  };
}
