import { readFile } from 'node:fs/promises';
import { run } from './command.js';

/**
 * Mount points at or under `dir`, deepest first (the order to unmount them in), from the text of
 * /proc/self/mountinfo, whose mount points escape space, tab, newline and backslash as octal.
 */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const root = dir.replace(/\/+$/, '');
  const unoctal = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  const targets = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((t): t is string => t !== undefined)
    .map(unoctal)
    .filter((t) => t === root || t.startsWith(`${root}/`));
  return [...new Set(targets)].sort(
    (a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a),
  );
}

/** Unmounts everything at or under `dir` (lazily when busy); returns what is still mounted after. */
export async function unmountUnder(dir: string): Promise<string[]> {
  for (let round = 0; round < 3; round++) {
    const targets = mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), dir);
    if (targets.length === 0) return [];
    for (const t of targets) {
      const r = await run('umount', [t], { check: false, timeoutMs: 30_000 });
      if (r.code !== 0) await run('umount', ['-l', t], { check: false, timeoutMs: 30_000 });
    }
  }
  return mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), dir);
}
