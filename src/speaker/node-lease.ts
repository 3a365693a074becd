import type { V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { NodeFacts } from '../election/heartbeat-codec.js';
import type { LeaseClient } from '../k8s/lease-client.js';
import { microTime } from '../k8s/micro-time.js';

export const FACTS_ANNOTATION = 'barelb.io/node-facts';
export const SPEAKER_LEASE_LABEL = 'barelb.io/speaker';

export interface NodeLeaseOptions {
  readonly namespace: string;
  readonly node: string;
  /** Renew period. 2 s keeps writes at 0.5/s per node, under the 1/s budget, whatever the Service count. */
  readonly renewMs: number;
  readonly durationSeconds: number;
}

/**
 * The node's one Lease (`barelb-speaker-<node>`): renewed on a fixed period, never per Service, and
 * carrying the node's probe facts as an annotation so anyone reading the API sees what it published.
 * Facts changes ride on the next renewal; peers learn them sooner from heartbeats.
 * `lastSuccess` tells the speaker when it last reached the API server.
 */
export class NodeLease {
  private timer: NodeJS.Timeout | undefined;
  private facts: NodeFacts | undefined;
  /** When the API server last answered; starts at construction so a fresh speaker is not "isolated". */
  lastSuccess = Date.now();
  writes = 0;

  constructor(
    private readonly client: LeaseClient,
    private readonly opts: NodeLeaseOptions,
    private readonly log: Logger,
    private readonly onWrite: () => void,
  ) {}

  get name(): string {
    return `barelb-speaker-${this.opts.node}`;
  }

  setFacts(facts: NodeFacts): void {
    this.facts = facts;
  }

  start(): void {
    const tick = async () => {
      await this.renew().catch((err: unknown) => this.log.debug({ err }, 'lease renew failed'));
      this.timer = setTimeout(() => void tick(), this.opts.renewMs);
    };
    void tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private async renew(): Promise<void> {
    const now = microTime(Date.now());
    const annotations = this.facts ? { [FACTS_ANNOTATION]: JSON.stringify(this.facts) } : {};
    const current = await this.client.get(this.opts.namespace, this.name);
    const spec = {
      holderIdentity: this.opts.node,
      leaseDurationSeconds: this.opts.durationSeconds,
      renewTime: now,
    };
    if (!current) {
      const lease: V1Lease = {
        metadata: {
          name: this.name,
          namespace: this.opts.namespace,
          labels: { [SPEAKER_LEASE_LABEL]: 'true' },
          annotations,
        },
        spec: { ...spec, acquireTime: now },
      };
      await this.client.create(lease);
    } else {
      await this.client.replace({
        ...current,
        metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, ...annotations } },
        spec: { ...current.spec, ...spec },
      });
    }
    this.writes++;
    this.onWrite();
    this.lastSuccess = Date.now();
  }
}
