import { spawn } from 'node:child_process';
import { LabError } from './lab-error.js';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Kill the command after this long; no step of the lab may hang silently. Default 60 s. */
  readonly timeoutMs?: number;
  /** Written to stdin, then stdin is closed; a promise is written when it settles (the command waits for it). */
  readonly input?: string | Promise<string>;
  /** When false, a non-zero exit is returned instead of thrown. Default true. */
  readonly check?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion and captures its output. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const check = opts.check ?? true;
  return new Promise((resolve, reject) => {
    const stdin = opts.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(cmd, args, { stdio: [stdin, 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LabError('COMMAND_FAILED', `${cmd}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = [cmd, ...args].join(' ');
      if (timedOut) {
        reject(new LabError('COMMAND_TIMEOUT', `timed out after ${timeoutMs} ms: ${line}`));
        return;
      }
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (check && result.code !== 0) {
        reject(new LabError('COMMAND_FAILED', `exit ${result.code}: ${line}\n${stderr.trim()}`));
        return;
      }
      resolve(result);
    });
    // A command may exit before reading its input; that is its business, not a crash of ours.
    child.stdin?.on('error', () => {});
    if (typeof opts.input === 'string') child.stdin?.end(opts.input);
    else opts.input?.then((s) => child.stdin?.end(s));
  });
}

/** Runs a command inside a network namespace. */
export function runIn(
  ns: string,
  cmd: string,
  args: readonly string[],
  opts?: RunOptions,
): Promise<CommandResult> {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
}

/** Applies many `ip` commands in one process (`ip -batch`), which is much faster than one each. */
export async function ipBatch(lines: readonly string[], ns?: string): Promise<void> {
  await armIpBatch(lines, ns)();
}

/**
 * Starts `ip -batch` now and returns the function that feeds it `lines`: `ip` runs each line as it
 * reads it, so the commands take effect within moments of the call, without a process start (which
 * takes hundreds of ms on a loaded machine). For when the moment matters (a hard kill being timed).
 * Call the function once, soon: the armed process counts against the usual 60 s command timeout.
 */
export function armIpBatch(lines: readonly string[], ns?: string): () => Promise<void> {
  if (lines.length === 0) return async () => {};
  const args = ns ? ['-n', ns, '-batch', '-'] : ['-batch', '-'];
  let feed: (s: string) => void = () => {};
  const input = new Promise<string>((resolve) => {
    feed = resolve;
  });
  const done = run('ip', args, { input });
  // Reported when fired; until then a failure must not surface as an unhandled rejection.
  done.catch(() => {});
  return async () => {
    feed(`${lines.join('\n')}\n`);
    await done;
  };
}
