import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readState } from '../../src/lab/cluster/lab-state.js';
import { labNames } from '../../src/lab/cluster/names.js';
import { isAlive, pidsInNamespace } from '../../src/lab/cluster/processes.js';
import { Lab, sweepDeadLabs } from '../../src/lab/lab.js';

/**
 * Before the integration tests: remove labs whose control plane no longer runs (left by a test
 * runner that was killed). Live labs, such as one a developer brought up with `barelb lab up`, stay.
 * Then the state directories (logs, certificates) of earlier runs' test labs: each run keeps its own
 * until the next one starts, to read after a failure.
 */
export default async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const dead = (await readdir(tmpdir())).filter((name) => {
    const pid = /^barelb-test-(\d+)-/.exec(name)?.[1];
    return pid !== undefined && !isAlive(Number(pid));
  });
  // A killed runner's real nodes leave shims, containers, mounts and cgroups that only their state
  // file finds: take those labs down from it first, unless their index now runs another, live lab.
  for (const name of dead) {
    const state = await readState(join(tmpdir(), name));
    if (state?.realNodes && (await pidsInNamespace(labNames(state.index).cpNs)).length === 0)
      await Lab.down(state.stateDir).catch(() => undefined);
  }
  await sweepDeadLabs();
  for (const name of dead) await rm(join(tmpdir(), name), { recursive: true, force: true });
}
