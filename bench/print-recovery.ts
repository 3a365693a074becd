import { quantile } from './lab-bench-util.js';
import type { RecoveryRound } from './recovery-rounds.js';

/** One line per traffic policy: medians (and worst) over its recovery rounds. */
export function printRecovery(policy: string, rounds: readonly RecoveryRound[], windowMs: number): void {
  const secs = (v: readonly (number | undefined)[]) => {
    const known = v.map((x) => x ?? Number.NaN);
    return `p50 ${(quantile(known, 0.5) / 1000).toFixed(2)} s, max ${(Math.max(...known) / 1000).toFixed(2)} s`;
  };
  const failed = rounds.map((r) => r.failedFraction * 100);
  console.log(
    `externalTrafficPolicy ${policy}, ${rounds.length} hard kills of the announcing node, ${windowMs / 1000} s watched each: ` +
      `first success ${secs(rounds.map((r) => r.firstOkMs))}; 99 % of requests succeed again from ${secs(rounds.map((r) => r.recovered99Ms))}; ` +
      `failed in the window ${quantile(failed, 0.5).toFixed(1)} % (p50), ${Math.max(...failed).toFixed(1)} % (max)`,
  );
}
