import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../../src/lab/lab.js';
import { speakerReady } from './test-lab.js';

/** Which component is a node's speaker, and how to wait until it is ready again. */
export interface RestartedSpeakers {
  readonly component: (node: string) => string;
  readonly ready: (lab: Lab, node: string) => Promise<void>;
}

const BARELB_SPEAKERS: RestartedSpeakers = {
  component: (n) => `speaker-${n}`,
  ready: (lab, n) => speakerReady(lab, n),
};

/**
 * Restarts every speaker gracefully, one after the other, while the client keeps sending requests
 * to `ip`; returns how many succeeded and when and how the others failed. Like a DaemonSet's rolling
 * update (maxUnavailable 1), the next speaker goes only once the restarted one is ready again: on a
 * busy machine a speaker takes 12-15 s to start, and a fixed pause had all three down at once.
 */
export async function rollingRestartUnderLoad(
  lab: Lab,
  ip: string,
  gapMs: number,
  /** The speakers restarted: BareLB's by default; bench:vs-metallb passes MetalLB's. */
  speakers: RestartedSpeakers = BARELB_SPEAKERS,
): Promise<{ ok: number; failures: string[] }> {
  let stop = false;
  let ok = 0;
  const failures: string[] = [];
  const load = (async () => {
    while (!stop) {
      const r = await lab.exec(
        'client',
        ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `http://${ip}/`],
        { check: false },
      );
      if (r.stdout === '200') ok++;
      else failures.push(`${new Date().toISOString()} ${r.stdout || r.code}`);
      await sleep(gapMs);
    }
  })();
  for (const n of lab.nodes) {
    await lab.restart(speakers.component(n));
    await speakers.ready(lab, n);
    await sleep(3_000);
  }
  stop = true;
  await load;
  return { ok, failures };
}
