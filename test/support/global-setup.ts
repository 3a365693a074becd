import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../src/lab/cluster/processes.js';
import { sweepDeadLabs } from '../../src/lab/lab.js';

/**
 * Before the integration tests: remove labs whose control plane no longer runs (left by a test
 * runner that was killed). Live labs, such as one a developer brought up with `barelb lab up`, stay.
 * Then the state directories (logs, certificates) of earlier runs' test labs: each run keeps its own
 * until the next one starts, to read after a failure.
 */
export default async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await sweepDeadLabs();
  for (const name of await readdir(tmpdir())) {
    const pid = /^barelb-test-(\d+)-/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid)))
      await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}
