import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { claimStopSignals } from './early-stop.js';

export interface StopSignal {
  /** Call once the component runs: from then on a signal asks it to stop gracefully. */
  running(): void;
  /** Resolves with the signal's name once SIGTERM or SIGINT arrives after `running()`. */
  readonly stopped: Promise<string>;
}

/**
 * SIGTERM/SIGINT handling, installed first thing. In a container the process is PID 1, and the kernel
 * drops every signal PID 1 has no handler for: with the handlers installed only once start-up was done,
 * a speaker whose Pod was deleted while it started (a rolling update, a drain, a quick restart) ignored
 * SIGTERM and sat out the Pod's 30 s grace period until the kubelet's SIGKILL. Before `running()`, a
 * signal exits at once: nothing is announced or led yet, so there is nothing to hand over.
 */
export function stopSignal(
  log: Logger,
  exit: () => void = () => process.exit(0),
  signals: Pick<EventEmitter, 'once'> = process,
): StopSignal {
  claimStopSignals();
  let isRunning = false;
  let resolve: (sig: string) => void = () => {};
  const stopped = new Promise<string>((r) => {
    resolve = r;
  });
  const on = (sig: string) => {
    if (isRunning) {
      resolve(sig);
      return;
    }
    log.info({ event: 'shutdown', signal: sig, during: 'start-up' }, 'stopped while starting: exiting now');
    exit();
  };
  signals.once('SIGTERM', () => on('SIGTERM'));
  signals.once('SIGINT', () => on('SIGINT'));
  return {
    running: () => {
      isRunning = true;
    },
    stopped,
  };
}
