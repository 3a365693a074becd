import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab, type LabOptions } from '../../src/lab/lab.js';

/**
 * Starts a lab for one test file, with its own state directory, whose processes die with the test
 * runner. Call `lab.stop()` in afterAll; the global setup removes labs a killed runner left behind.
 */
export async function startTestLab(
  name: string,
  opts: Omit<LabOptions, 'stateDir' | 'dieWithParent'> = {},
): Promise<Lab> {
  return Lab.start({
    ...opts,
    stateDir: join(tmpdir(), `barelb-test-${process.pid}-${name}`),
    dieWithParent: true,
  });
}

/** Polls until `check` returns a value that is not undefined, or fails with the last reason. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export interface PodReply {
  readonly pod: string;
  readonly node: string;
  readonly client: string;
}

/** One HTTP GET from the client namespace; undefined when it fails. */
export async function curlFromClient(
  lab: Lab,
  url: string,
  timeoutSec = 2,
  /** The namespace to ask from: the client on the segment, or `far`, behind the BGP router. */
  from = 'client',
): Promise<PodReply | undefined> {
  const r = await lab.exec(from, ['curl', '-s', '--max-time', String(timeoutSec), url], { check: false });
  if (r.code !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as PodReply;
  } catch {
    return undefined;
  }
}

/** HTTP status code of a GET from a lab namespace (0 when nothing answered). */
export async function httpStatus(lab: Lab, from: string, url: string): Promise<number> {
  const r = await lab.exec(
    from,
    ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', url],
    { check: false },
  );
  return Number(r.stdout.trim() || '0');
}

/**
 * Waits until every node's speaker answers its /readyz (from inside the node). A revived node's speaker
 * takes seconds to start on a busy machine: a test must not kill its peer before it runs.
 */
export async function speakersReady(lab: Lab, timeoutMs = 120_000): Promise<void> {
  for (const n of lab.nodes) await speakerReady(lab, n, timeoutMs);
}

/** Waits until one node's speaker answers its /readyz (from inside the node). */
export async function speakerReady(lab: Lab, node: string, timeoutMs = 120_000): Promise<void> {
  await eventually(
    `speaker-${node} ready`,
    async () => {
      const r = await lab.exec(node, ['curl', '-sf', '--max-time', '2', 'http://127.0.0.1:7473/readyz'], {
        check: false,
      });
      return r.code === 0 ? true : undefined;
    },
    timeoutMs,
  );
}

/**
 * Where the leading controller's /metrics answers, and from which lab namespace: its pod's IP from a
 * node on real nodes (as Prometheus scrapes a pod), the control-plane namespace's loopback otherwise.
 */
export async function controllerMetricsUrl(lab: Lab): Promise<{ from: string; url: string }> {
  if (!lab.realNodes) return { from: 'cp', url: 'http://127.0.0.1:7472/metrics' };
  const kubectl = (args: string[]) => lab.exec('cp', ['kubectl', '-n', 'barelb-system', ...args]);
  const leader = await eventually('the controller leader', async () => {
    const r = await kubectl(['get', 'lease', 'barelb-controller', '-o', 'jsonpath={.spec.holderIdentity}']);
    return r.stdout.trim() || undefined;
  });
  const ip = (await kubectl(['get', 'pod', leader, '-o', 'jsonpath={.status.podIP}'])).stdout.trim();
  return { from: lab.nodes[0] ?? 'n1', url: `http://${ip}:7472/metrics` };
}
