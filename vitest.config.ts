import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit tests beside the code, and integration/e2e tests under test/ that run
// against the real lab (real apiserver, kube-proxy, network namespaces). `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'test/support/**/*.test.ts'],
          // Pure but CPU-heavy rows (fuzzing, whole-cluster simulations) must not fail by wall time on a
          // busy machine: the suite is run next to stress-ng (issue 12).
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // One lab at a time: the machine has two cores and the lab is heavy.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
