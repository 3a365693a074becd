import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './command.js';
import { LabError } from './lab-error.js';

/** Polls `check` every 200 ms until it holds; fails naming `what` and where the logs are. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  logsDir: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new LabError('NOT_READY', `${what} not ready after ${timeoutMs / 1000} s (logs in ${logsDir})`);
}

/** True when an HTTP GET from inside namespace `ns` succeeds. */
export async function httpOk(ns: string, url: string): Promise<boolean> {
  const r = await run('ip', ['netns', 'exec', ns, 'curl', '-sf', '--max-time', '2', '-o', '/dev/null', url], {
    check: false,
  });
  return r.code === 0;
}

/** True when the apiserver's /readyz answers the admin certificate, asked from inside the control plane. */
export async function apiserverReady(cpNs: string, certDir: string, port: number): Promise<boolean> {
  const c = (f: string) => join(certDir, f);
  const r = await run(
    'ip',
    [
      'netns',
      'exec',
      cpNs,
      'curl',
      '-sf',
      '--max-time',
      '2',
      '--cacert',
      c('ca.crt'),
      '--cert',
      c('admin.crt'),
      '--key',
      c('admin.key'),
      `https://127.0.0.1:${port}/readyz`,
    ],
    { check: false },
  );
  return r.code === 0;
}
