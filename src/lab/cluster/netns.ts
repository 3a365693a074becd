import { armIpBatch, ipBatch, run } from './command.js';

// Namespace and link housekeeping: listing and removing what the lab made, and cutting a namespace off
// its links (a pulled cable) and back.

export async function listNamespaces(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list'], { timeoutMs: 10_000 });
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

export async function deleteNamespace(ns: string): Promise<void> {
  await run('ip', ['netns', 'del', ns], { check: false, timeoutMs: 10_000 });
}

export async function deleteLink(name: string): Promise<void> {
  await run('ip', ['link', 'del', name], { check: false, timeoutMs: 10_000 });
}

/** Every link of a namespace but loopback. */
async function linksOf(ns: string): Promise<string[]> {
  const r = await run('ip', ['-n', ns, '-o', 'link', 'show'], { timeoutMs: 10_000 });
  return r.stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'lo');
}

/**
 * Readies taking every link of a namespace down except loopback (the node cut off as if its cable were
 * pulled): links listed and `ip` started, so the returned function cuts at once.
 */
export async function armCut(ns: string): Promise<() => Promise<void>> {
  return armIpBatch(
    (await linksOf(ns)).map((l) => `link set ${l} down`),
    ns,
  );
}

/** Undoes cutNamespace: every link of the namespace up again. */
export async function reviveNamespace(ns: string): Promise<void> {
  await ipBatch(
    (await linksOf(ns)).map((l) => `link set ${l} up`),
    ns,
  );
}
