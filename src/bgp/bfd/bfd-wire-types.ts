import type { BfdStateName } from './bfd-packet.js';
import type { BfdSessionConfig } from './bfd-session-state.js';

/** One BFD session the worker should run: to `peer` from `local` (RFC 5881 single hop). */
export interface BfdSessionSpec {
  readonly key: string;
  readonly peer: string;
  readonly local: string;
  readonly config: BfdSessionConfig;
}

/** Main thread -> worker: the whole set, each time it changes. */
export interface BfdSetMessage {
  readonly type: 'set';
  readonly sessions: readonly BfdSessionSpec[];
}

/** Worker -> main thread. */
export type BfdWorkerMessage =
  | {
      readonly type: 'state';
      readonly key: string;
      readonly state: BfdStateName;
      readonly diag: number;
      /** The state the peer last said it was in (AdminDown tells a switched-off peer from a failure). */
      readonly remoteState: BfdStateName;
    }
  | { readonly type: 'error'; readonly key: string | undefined; readonly message: string };
