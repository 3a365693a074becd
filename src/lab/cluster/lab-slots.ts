import { MAX_LABS } from './addressing.js';
import { run } from './command.js';
import { LabError } from './lab-error.js';
import { labIndexOfNamespace, labNames } from './names.js';
import { deleteLink, deleteNamespace, listNamespaces } from './netns.js';
import { killAllIn, pidsInNamespace } from './processes.js';

// Labs side by side: each takes a free index (its prefix and address block), found from the
// namespaces on the machine rather than a registry, so a crashed run never holds a slot for ever.

/** Every lab index with namespaces on this machine (for `lab down --all`). */
export async function labIndexesPresent(): Promise<number[]> {
  const found = new Set<number>();
  for (const ns of await listNamespaces()) {
    const i = labIndexOfNamespace(ns);
    if (i !== undefined) found.add(i);
  }
  return [...found].sort((a, b) => a - b);
}

/** Claims a free lab index by creating its control-plane namespace: `ip netns add` fails if it exists. */
export async function claimIndex(): Promise<number> {
  const present = new Set(await labIndexesPresent());
  for (let i = 0; i < MAX_LABS; i++) {
    if (present.has(i)) continue;
    const r = await run('ip', ['netns', 'add', labNames(i).cpNs], { check: false });
    if (r.code === 0) return i;
  }
  throw new LabError(
    'NO_FREE_LAB',
    `all ${MAX_LABS} lab slots are in use; \`barelb lab down --all\` removes them`,
  );
}

/** Kills whatever runs in a lab's namespaces, then deletes them and its host link. */
export async function removeLabNamespaces(index: number): Promise<void> {
  const names = labNames(index);
  const mine = (await listNamespaces()).filter((ns) => ns.startsWith(`${names.prefix}-`));
  for (const ns of mine) await killAllIn(ns);
  // Pods first: their veths hang off the nodes' bridges. The cp namespace last: it holds the bridge.
  const order = (ns: string) => (ns.includes('-pod-') ? 0 : ns === names.cpNs ? 2 : 1);
  for (const ns of mine.sort((a, b) => order(a) - order(b))) await deleteNamespace(ns);
  await deleteLink(names.hostLink);
}

/** Removes every lab whose control-plane namespace has no process left: what a killed run leaves. */
export async function sweepDeadLabs(): Promise<number[]> {
  const swept: number[] = [];
  for (const index of await labIndexesPresent()) {
    const cp = labNames(index).cpNs;
    const namespaces = await listNamespaces();
    if (namespaces.includes(cp) && (await pidsInNamespace(cp)).length > 0) continue;
    await removeLabNamespaces(index);
    swept.push(index);
  }
  return swept;
}
