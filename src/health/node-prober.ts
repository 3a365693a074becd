import type { Logger } from 'pino';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import { httpProbe, tcpProbe } from './probes.js';

export interface ProbeTarget {
  readonly key: string;
  /** healthCheckNodePort of an externalTrafficPolicy: Local Service. */
  readonly healthCheckNodePort?: number | undefined;
  /** A nodePort of the Service, for the optional data-path check. */
  readonly nodePort?: number | undefined;
}

export interface ProberOptions {
  /** kube-proxy's health endpoint; undefined turns the check off (clusters without kube-proxy). */
  readonly kubeProxyHealthUrl: string | undefined;
  /** Address the node's healthCheckNodePorts and nodePorts answer on. */
  readonly nodeAddress: string;
  readonly probeNodePorts: boolean;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/**
 * Probes what only this node can observe: kube-proxy's /healthz, each Local Service's
 * healthCheckNodePort (200 = a local endpoint is ready, 503 = none), optionally each Service's
 * nodePort. Calls `onChange` with the new facts whenever any result flips, so they are published at once.
 */
export class NodeProber {
  private facts: NodeFacts = {
    kubeProxyHealthy: false,
    localEndpoints: [],
    nodePortDown: [],
    leaving: false,
    // Until the speaker's warm-up ends, peers keep the IPs this node would rank first for.
    warmingUp: true,
  };
  private targets: readonly ProbeTarget[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly opts: ProberOptions,
    private readonly onChange: (facts: NodeFacts) => void,
    private readonly log: Logger,
  ) {}

  current(): NodeFacts {
    return this.facts;
  }

  setTargets(targets: readonly ProbeTarget[]): void {
    this.targets = targets;
  }

  setLeaving(): void {
    this.publish({ ...this.facts, leaving: true });
  }

  /** The speaker announces from now on: peers may hand over the IPs this node ranks first for. */
  setWarmedUp(): void {
    this.publish({ ...this.facts, warmingUp: false });
  }

  /** Probes once at once, then every interval. Resolves after the first round. */
  async start(): Promise<void> {
    this.running = true;
    await this.round();
    const loop = async () => {
      if (!this.running) return;
      await this.round();
      if (this.running) this.timer = setTimeout(loop, this.opts.intervalMs);
    };
    this.timer = setTimeout(loop, this.opts.intervalMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Probes now (e.g. when a new Local Service appears) instead of at the next tick. */
  async round(): Promise<void> {
    const { opts } = this;
    const host = opts.nodeAddress.includes(':') ? `[${opts.nodeAddress}]` : opts.nodeAddress;
    const kubeProxyHealthy = opts.kubeProxyHealthUrl
      ? (await httpProbe(opts.kubeProxyHealthUrl, opts.timeoutMs)) === 200
      : true;
    const results = await Promise.all(
      this.targets.map(async (t) => ({
        key: t.key,
        local: t.healthCheckNodePort
          ? (await httpProbe(`http://${host}:${t.healthCheckNodePort}/`, opts.timeoutMs)) === 200
          : false,
        portDown:
          opts.probeNodePorts && t.nodePort
            ? !(await tcpProbe(opts.nodeAddress, t.nodePort, opts.timeoutMs))
            : false,
      })),
    );
    const next: NodeFacts = {
      kubeProxyHealthy,
      localEndpoints: results
        .filter((r) => r.local)
        .map((r) => r.key)
        .sort(),
      nodePortDown: results
        .filter((r) => r.portDown)
        .map((r) => r.key)
        .sort(),
      leaving: this.facts.leaving,
      warmingUp: this.facts.warmingUp === true,
    };
    this.publish(next);
  }

  private publish(next: NodeFacts): void {
    if (JSON.stringify(next) === JSON.stringify(this.facts)) return;
    if (next.kubeProxyHealthy !== this.facts.kubeProxyHealthy) {
      this.log.info(
        { event: 'kube_proxy_health', healthy: next.kubeProxyHealthy },
        'kube-proxy health changed',
      );
    }
    this.facts = next;
    this.onChange(next);
  }
}
