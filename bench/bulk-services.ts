/**
 * Many LoadBalancer Services at once, for the controller benches (bench:controller, bench:vs-metallb):
 * create and delete them as fast as the apiserver takes them, and watch how long each waits for an
 * IP in its status.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type CoreV1Api, type KubeConfig, type V1Service, Watch } from '@kubernetes/client-node';
import { ensureNamespace } from '../src/lab/workloads/namespaces.js';
import { pool } from './lab-bench-util.js';

/** Creates in flight at once: as many as the controller has workers. */
export const CONCURRENCY = 32;

export interface BulkOptions {
  /** Names are `<prefix><i>`; default `b`. */
  readonly prefix?: string;
  /** spec.loadBalancerClass: which load balancer owns them (none: the default one, BareLB). */
  readonly cls?: string | undefined;
  /**
   * IPv6 ClusterIPs: the lab's IPv4 ClusterIP range (/22) holds about 1,000 Services, so a second
   * thousand that only has its status written (bench:controller's limit) takes IPv6 ones.
   */
  readonly ipv6ClusterIp?: boolean;
  readonly concurrency?: number;
  /** Called just before Service i's create is sent. */
  readonly before?: (i: number) => void;
  /**
   * Called once the API server has answered Service i's create: from then on the object is stored
   * and the controller's watch can see it, so what follows until its IP is the controller's part.
   */
  readonly after?: (i: number) => void;
}

function bulkService(name: string, ns: string, o: BulkOptions): V1Service {
  return {
    metadata: { name, namespace: ns },
    spec: {
      type: 'LoadBalancer',
      ports: [{ port: 80, targetPort: 8080 }],
      selector: { app: name },
      ...(o.cls ? { loadBalancerClass: o.cls } : {}),
      ...(o.ipv6ClusterIp ? { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' } : {}),
    },
  };
}

/** Creates `n` LoadBalancer Services `<prefix><i>` in `ns` as fast as the apiserver takes them. */
export async function createServices(
  core: CoreV1Api,
  ns: string,
  n: number,
  o: BulkOptions = {},
): Promise<void> {
  await ensureNamespace(core, ns);
  await pool([...Array(n).keys()], o.concurrency ?? CONCURRENCY, async (i) => {
    o.before?.(i);
    await core.createNamespacedService({ namespace: ns, body: bulkService(`${o.prefix ?? 'b'}${i}`, ns, o) });
    o.after?.(i);
  });
}

/** Deletes the `n` Services `<prefix><i>` in `ns` and waits until the namespace has none. */
export async function deleteServices(core: CoreV1Api, ns: string, n: number, prefix: string): Promise<void> {
  await pool([...Array(n).keys()], CONCURRENCY, async (i) => {
    await core.deleteNamespacedService({ namespace: ns, name: `${prefix}${i}` });
  });
  while ((await core.listNamespacedService({ namespace: ns })).items.length > 0) await sleep(200);
}

/**
 * Watches a namespace's Services and records, per name, the time from `created` (performance.now, set
 * by the caller) to the first IP in its status. `allDone` resolves once `n` have one, or after 300 s.
 * The API server closes a watch whose reader falls behind (its cache_watcher "unresponsiveness"), as
 * it did once in a burst; the watch then starts again at once, and `rewatches` says how often, since
 * an IP that arrived in the gap is timed when the new watch lists it (a little late).
 */
export async function watchCreateToIp(kc: KubeConfig, ns: string, n: number) {
  const created = new Map<string, number>();
  const latency = new Map<string, number>();
  let done: () => void = () => {};
  const all = new Promise<void>((r) => {
    done = r;
  });
  let stopped = false;
  let rewatches = 0;
  let request: AbortController | undefined;
  const onEvent = (_type: string, obj: V1Service) => {
    const name = obj.metadata?.name ?? '';
    const t0 = created.get(name);
    if (t0 !== undefined && !latency.has(name) && (obj.status?.loadBalancer?.ingress?.length ?? 0) > 0) {
      latency.set(name, performance.now() - t0);
      if (latency.size === n) done();
    }
  };
  const watch = async (): Promise<void> => {
    request = await new Watch(kc).watch(`/api/v1/namespaces/${ns}/services`, {}, onEvent, () => {
      if (stopped) return;
      rewatches++;
      setTimeout(() => void watch().catch(() => {}), 100);
    });
  };
  await watch();
  // Not unref'd: a bench waiting on allDone must reach its timeout (and its finally) rather than exit.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => {
    timer = setTimeout(r, 300_000);
  });
  const allDone = Promise.race([all, timeout]).finally(() => clearTimeout(timer));
  return {
    created,
    latency,
    allDone,
    rewatches: () => rewatches,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      request?.abort();
    },
  };
}
