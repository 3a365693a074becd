import type { ProcessTable } from './process-table.js';
import type { ProcessSpec, StopResult } from './processes.js';

/**
 * The lab's long-running components by name (`etcd`, `kube-proxy-n1`, `speaker-n2`, `controller`), as
 * tests, benchmarks and `barelb lab restart` reach them. Host processes are the ProcessTable's; on real
 * nodes BareLB's components are containers a kubelet runs (install/barelb-pod-components.ts).
 */
export interface Components {
  names(): Promise<readonly string[]>;
  pid(name: string): Promise<number | undefined>;
  /** Graceful stop and start again; fails when a BareLB process needed SIGKILL after SIGTERM. */
  restart(name: string): Promise<StopResult>;
  /** Stops it (SIGTERM, or the signal given). A kubelet starts a container again, as in any cluster. */
  stop(name: string, signal?: NodeJS.Signals): Promise<StopResult>;
  /** Sends a signal without waiting (SIGSTOP / SIGCONT to freeze and thaw it). */
  signal(name: string, signal: NodeJS.Signals): Promise<void>;
  /** Starts a process of the host-process kind (a second controller replica, for example). */
  start(spec: ProcessSpec): Promise<void>;
}

/** Components that are all host processes of the lab's ProcessTable. */
export class ProcessComponents implements Components {
  constructor(private readonly table: ProcessTable) {}

  async names(): Promise<readonly string[]> {
    return this.table.names;
  }
  async pid(name: string): Promise<number | undefined> {
    return this.table.pid(name);
  }
  restart(name: string): Promise<StopResult> {
    return this.table.restart(name);
  }
  stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> {
    return this.table.stop(name, signal);
  }
  async signal(name: string, signal: NodeJS.Signals): Promise<void> {
    this.table.signal(name, signal);
  }
  start(spec: ProcessSpec): Promise<void> {
    return this.table.start(spec);
  }
}
