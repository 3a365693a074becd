import { sweepDeadLabs } from '../../src/lab/lab.js';

/**
 * Before the integration tests: remove labs whose control plane no longer runs (left by a test
 * runner that was killed). Live labs, such as one a developer brought up with `barelb lab up`, stay.
 */
export default async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await sweepDeadLabs();
}
