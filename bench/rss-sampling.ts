import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../src/lab/lab.js';
import { anonMiB, rssMiB } from './lab-bench-util.js';

/** One component's memory over a sampling window, in MiB. */
export interface RssSample {
  readonly name: string;
  /** VmRSS at the last sample. */
  readonly last: number;
  /** The highest VmRSS seen. */
  readonly max: number;
  /** RssAnon at the last sample: what the program allocated, without its binary mapped in. */
  readonly anon: number;
}

/** RSS of the named lab components, sampled every second for `seconds`. */
export async function sampleRss(lab: Lab, names: readonly string[], seconds: number): Promise<RssSample[]> {
  const out = new Map<string, RssSample>();
  for (let s = 0; s < seconds; s++) {
    for (const name of names) {
      const pid = await lab.componentPid(name);
      const last = rssMiB(pid);
      out.set(name, { name, last, max: Math.max(out.get(name)?.max ?? 0, last), anon: anonMiB(pid) });
    }
    await sleep(1_000);
  }
  return names.map((n) => out.get(n) ?? { name: n, last: Number.NaN, max: Number.NaN, anon: Number.NaN });
}

const mib = (v: number) => `${v.toFixed(1)} MiB`;

/** "speaker-n1 88.4 MiB (max 95.5 MiB, anonymous 35.5 MiB)" */
export function rssText(s: RssSample): string {
  return `${s.name} ${mib(s.last)} (max ${mib(s.max)}, anonymous ${mib(s.anon)})`;
}
