import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { processEnv } from '../src/lab/cluster/processes.js';
import { barelbProcessEnv } from '../src/lab/install/barelb-specs.js';
import { anonMiB, rssMiB } from './lab-bench-util.js';

/**
 * What a speaker or controller needs of Node before any of BareLB runs: the https client (the API
 * server speaks only TLS), a TLS context, and an HTTP server (metrics and probes). Nothing of ours is
 * loaded: about the lowest a BareLB process could weigh with the same Node and flags.
 */
const FLOOR_SCRIPT = [
  "require('node:https');",
  "require('node:tls').createSecureContext({});",
  "require('node:http').createServer().listen(0, '127.0.0.1');",
].join(' ');

/**
 * RSS and its anonymous part of a fresh Node process running FLOOR_SCRIPT with `flags`, in the
 * environment the lab gives BareLB (the image's ENV, none of the shell's NODE_* variables), after
 * `seconds` (in MiB).
 */
export async function nodeFloor(
  flags: readonly string[],
  seconds = 5,
): Promise<{ rss: number; anon: number }> {
  const child = spawn(process.execPath, [...flags, '-e', FLOOR_SCRIPT], {
    env: processEnv(process.env, barelbProcessEnv({})),
    stdio: 'ignore',
  });
  try {
    await sleep(seconds * 1_000);
    return { rss: rssMiB(child.pid), anon: anonMiB(child.pid) };
  } finally {
    child.kill('SIGKILL');
  }
}
