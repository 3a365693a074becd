import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../src/lab/lab.js';
import { arpingAnswers, entryNode } from '../test/support/l2.js';
import { curlFromClient, eventually } from '../test/support/test-lab.js';

/** The node answering ARP for `ip`, once two answers in a row agree. */
export function steadyOwner(lab: Lab, ip: string, timeoutMs = 60_000): Promise<string | undefined> {
  return eventually(
    'one owner',
    async () => {
      const a = await arpingAnswers(lab, ip, 2);
      return a.length === 2 && a[0] === a[1] ? a[0] : undefined;
    },
    timeoutMs,
  );
}

/**
 * `rounds` times: hard-kill the node that owns `ip` (links down, every process in it killed) and time
 * from the kill to the first curl from the client that entered through another node; then revive it.
 * Returns the times in ms (NaN for a round that never recovered within 30 s). `settleMs` bounds the
 * wait for a steady owner before each round (longer on a loaded machine, where a revived node is slow).
 */
export async function hardKillRounds(
  lab: Lab,
  ip: string,
  rounds: number,
  settleMs = 60_000,
): Promise<number[]> {
  const times: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const owner = (await steadyOwner(lab, ip, settleMs)) ?? '';
    // Let the client's neighbour entry point at the owner, as in real traffic.
    await eventually(
      'curl via owner',
      async () => {
        const r = await curlFromClient(lab, `http://${ip}/`, 1);
        return r && entryNode(lab, r.client) === owner ? r : undefined;
      },
      settleMs,
    );
    const t0 = performance.now();
    await lab.kill(owner);
    let ms = Number.NaN;
    for (;;) {
      const r = await curlFromClient(lab, `http://${ip}/`, 0.2);
      const via = r ? entryNode(lab, r.client) : undefined;
      if (via && via !== owner) {
        ms = performance.now() - t0;
        break;
      }
      if (performance.now() - t0 > 30_000) break;
    }
    times.push(ms);
    console.log(`round ${round}: owner ${owner} killed, curl through a new owner after ${ms.toFixed(0)} ms`);
    await lab.revive(owner);
    await sleep(2_000);
  }
  return times;
}
