/**
 * The main thread's handle on the BFD worker (bfd-worker.ts): started when the first session is
 * wanted, ended when none is, so a speaker without BFD pays nothing for it. Tells the BGP side each
 * session's state.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { BfdStateName } from './bfd-packet.js';
import type { BfdSessionSpec, BfdWorkerMessage } from './bfd-wire-types.js';

/**
 * Where the worker's code is: beside this module in dist/ and in the bundle (scripts/bundle.mjs
 * builds dist/bin/bfd-worker.js next to the chunk holding this code); the TypeScript source, through
 * tsx, when the speaker runs from source (the lab's host processes, tests).
 */
function workerEntry(): { url: URL; execArgv: string[] } {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? { url: new URL('./bfd-worker.ts', here), execArgv: ['--import', 'tsx'] }
    : { url: new URL('./bfd-worker.js', here), execArgv: [] };
}

export class BfdSessions {
  private worker: Worker | undefined;
  private last = '';

  constructor(
    private readonly onState: (
      key: string,
      state: BfdStateName,
      diag: number,
      remoteState: BfdStateName,
    ) => void,
    private readonly log: Logger,
  ) {}

  /** The sessions to run, all of them; the worker starts, stops and restarts sessions to match. */
  set(sessions: readonly BfdSessionSpec[]): void {
    const key = JSON.stringify(sessions);
    if (key === this.last) return;
    this.last = key;
    if (sessions.length === 0) {
      void this.stop();
      return;
    }
    this.worker ??= this.startWorker();
    this.worker.postMessage({ type: 'set', sessions });
  }

  private startWorker(): Worker {
    const { url, execArgv } = workerEntry();
    // A small heap: the worker holds a few sessions and their sockets, nothing else.
    const w = new Worker(url, { execArgv, resourceLimits: { maxOldGenerationSizeMb: 16 } });
    w.on('message', (m: BfdWorkerMessage) => {
      if (m.type === 'state') this.onState(m.key, m.state, m.diag, m.remoteState);
      else this.log.warn({ event: 'bfd_error', session: m.key }, `BFD: ${m.message}`);
    });
    w.on('error', (err) => this.log.error({ err, event: 'bfd_worker_failed' }, 'BFD worker failed'));
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.last = '';
      if (code !== 0)
        this.log.error({ event: 'bfd_worker_exit', code }, 'BFD worker exited; restarting at the next plan');
    });
    return w;
  }

  /** Ends every session (AdminDown to the peers) and the worker. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.last = '';
    if (!w) return;
    w.postMessage({ type: 'set', sessions: [] });
    // Time for the AdminDown packets to leave before the thread goes.
    await new Promise((r) => setTimeout(r, 50));
    await w.terminate();
  }
}
