/**
 * The first module the CLI's entry point imports (and the only static one), so its handlers exist
 * before anything else loads. Where the speaker or the controller runs as its container's PID 1 (a
 * plain `docker run`; deploy/ avoids it with shareProcessNamespace), the kernel drops every signal PID 1
 * has no handler for: a Pod deleted while its process was still loading (a restart by the kubelet, a
 * rolling update) ignored SIGTERM and sat out its 30 s grace period until the kubelet's SIGKILL. Until
 * `stopSignal` claims the signals, one exits at once: nothing is announced or led yet. Other commands
 * (`barelb lab up` cleans up on Ctrl-C) are left alone. Node's own start-up (some tens of ms) comes
 * before any of this, which is why deploy/ keeps Node from being PID 1 at all.
 */
const LONG_RUNNING = new Set(['speaker', 'controller']);

let claimed = false;

/** Called by stopSignal: from now on it decides what a signal does. */
export function claimStopSignals(): void {
  claimed = true;
}

/** The subcommand the CLI will run: the first argument that is not an option. */
export function subcommandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

function exitEarly(signal: string): void {
  if (claimed) return;
  // pino is not loaded yet: a line in its shape, so log pipelines read it like the rest.
  const line = {
    level: 30,
    time: Date.now(),
    pid: process.pid,
    event: 'shutdown',
    signal,
    during: 'loading',
  };
  process.stdout.write(`${JSON.stringify({ ...line, msg: 'stopped while loading: exiting now' })}\n`);
  process.exit(0);
}

if (LONG_RUNNING.has(subcommandOf(process.argv) ?? '')) {
  process.on('SIGTERM', () => exitEarly('SIGTERM'));
  process.on('SIGINT', () => exitEarly('SIGINT'));
}
