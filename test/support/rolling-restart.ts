import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../../src/lab/lab.js';

/**
 * Restarts every speaker gracefully, one after the other, while the client keeps sending requests
 * to `ip`; returns how many succeeded and when and how the others failed.
 */
export async function rollingRestartUnderLoad(
  lab: Lab,
  ip: string,
  gapMs: number,
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
    await lab.restart(`speaker-${n}`);
    await sleep(3_000);
  }
  stop = true;
  await load;
  return { ok, failures };
}
