import { type V1Service, Watch } from '@kubernetes/client-node';
import type { Lab } from '../../src/lab/lab.js';

const SHARING = 'barelb.io/allow-shared-ip';

export interface RecordedEvent {
  readonly type: string;
  readonly name: string;
  readonly rv: string;
  readonly ips: readonly string[];
}

/**
 * Follows every watch event of the Services in one namespace, in resourceVersion order, and replays
 * them into a state that is checked after each one: an address shown on two Services without one
 * shared key is a violation at that resourceVersion (issue 18's invariant). Resumes from the last
 * resourceVersion when the server closes the watch.
 */
export class ServiceWatchRecorder {
  readonly events: RecordedEvent[] = [];
  readonly violations: string[] = [];
  /** The Services' ingress IPs and sharing keys as of the last event. */
  readonly state = new Map<string, { ips: readonly string[]; sharing: string | undefined }>();
  private lastRv = '';
  private abort: AbortController | undefined;
  private stopped = false;
  private readonly listeners = new Set<(e: RecordedEvent) => void>();

  constructor(
    private readonly lab: Lab,
    private readonly namespace: string,
  ) {}

  async start(): Promise<void> {
    const watch = new Watch(this.lab.kubeConfig());
    this.abort = await watch.watch(
      `/api/v1/namespaces/${this.namespace}/services`,
      { allowWatchBookmarks: false, ...(this.lastRv ? { resourceVersion: this.lastRv } : {}) },
      (type, obj: V1Service) => this.record(type, obj),
      () => {
        if (!this.stopped) setTimeout(() => void this.start(), 100);
      },
    );
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /** Calls `f` on every later event (until the returned function is called). */
  onEvent(f: (e: RecordedEvent) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Resolves once no event has come for `quietMs` (at most `maxMs`). */
  async settled(quietMs = 1_500, maxMs = 30_000): Promise<void> {
    const start = Date.now();
    let last = Date.now();
    const off = this.onEvent(() => {
      last = Date.now();
    });
    try {
      while (Date.now() - last < quietMs && Date.now() - start < maxMs) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      off();
    }
  }

  private record(type: string, svc: V1Service): void {
    const name = svc.metadata?.name ?? '';
    const rv = svc.metadata?.resourceVersion ?? '';
    if (rv) this.lastRv = rv;
    const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
    const e = { type, name, rv, ips };
    this.events.push(e);
    if (type === 'DELETED') this.state.delete(name);
    else this.state.set(name, { ips, sharing: svc.metadata?.annotations?.[SHARING] });
    this.check(e);
    for (const f of this.listeners) f(e);
  }

  private check(e: RecordedEvent): void {
    const holders = new Map<string, { name: string; sharing: string | undefined }[]>();
    for (const [name, s] of this.state) {
      for (const ip of s.ips) holders.set(ip, [...(holders.get(ip) ?? []), { name, sharing: s.sharing }]);
    }
    for (const [ip, hs] of holders) {
      const [first] = hs;
      if (hs.length > 1 && !hs.every((h) => h.sharing !== undefined && h.sharing === first?.sharing)) {
        this.violations.push(
          `${ip} on ${hs.map((h) => h.name).join(' and ')} at resourceVersion ${e.rv} (${e.type} ${e.name})`,
        );
      }
    }
  }
}
