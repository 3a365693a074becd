import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApi } from '../src/k8s/kube-api.js';
import { loadKubeApi } from '../src/k8s/load-kube-api.js';
import { loopbackApi } from '../src/k8s/loopback-api.js';
import { ResilientInformer } from '../src/k8s/resilient-informer.js';
import type { Lab } from '../src/lab/lab.js';
import { startApiserverProxy } from './support/apiserver-proxy.js';
import { eventually, startTestLab } from './support/test-lab.js';

const NS = 'informer-test';
const log = pino({ level: 'silent' });

interface ConfigMap {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

/**
 * The speaker's and controller's own API layer against the lab's real apiserver: the kubeconfig
 * loader, and the informer's list, watch, resume, 410 relist, backoff and dead-connection handling.
 * Faults go through a proxy in front of the apiserver; every answer is the apiserver's.
 */
describe('lean API layer against the real apiserver', () => {
  let lab: Lab;
  let api: KubeApi;
  let proxy: Awaited<ReturnType<typeof startApiserverProxy>>;

  beforeAll(async () => {
    // Only the apiserver is needed: no kubelets, no BareLB.
    lab = await startTestLab('lean-informer', { nodes: 1, bare: true, realNodes: false });
    api = await loadKubeApi(lab.kubeconfig, log);
    proxy = await startApiserverProxy(lab.kubeconfig);
    await api.request('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await lab?.stop();
  });

  const cms = `/api/v1/namespaces/${NS}/configmaps`;
  const create = (name: string) =>
    api.request<ConfigMap>('POST', cms, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: '0' } },
    });
  const change = (name: string, v: string) =>
    api.request('PATCH', `${cms}/${name}`, {
      body: { data: { v } },
      contentType: 'application/merge-patch+json',
    });
  const remove = (name: string) => api.request('DELETE', `${cms}/${name}`);

  it('loads the lab kubeconfig (TLS, client certificate) with its own loader', async () => {
    const ns = await api.request<{ metadata: { name: string } }>('GET', '/api/v1/namespaces/default');
    expect(ns.metadata.name).toBe('default');
    // A missing object is a value, not an error.
    expect(await api.get(`${cms}/nope`)).toBeUndefined();
  });

  it('lists in pages (limit and continue) and caches every page', async () => {
    const ns = 'informer-pages';
    await api.request('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    for (const name of names)
      await api.request('POST', path, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } });
    const first = proxy.lists.length;
    const inf = new ResilientInformer<ConfigMap>(loopbackApi(proxy.url), path, {}, log, { listPageSize: 2 });
    await inf.start();
    await inf.synced();
    await inf.stop();
    const queries = proxy.listQueries.slice(first).filter((_, i) => proxy.lists[first + i] === path);
    // Five of ours and kube-root-ca.crt: three pages of two, each after the first with the token.
    expect(queries.length).toBe(3);
    expect(queries.every((q) => q.includes('limit=2'))).toBe(true);
    expect(queries.slice(1).every((q) => q.includes('continue='))).toBe(true);
    expect(
      inf
        .items()
        .map((o) => o.metadata?.name)
        .filter((n) => n !== 'kube-root-ca.crt')
        .sort(),
    ).toEqual(names);
  });

  it('lists, watches, resumes after a reset, relists on 410 with deletes, and reports health', async () => {
    await create('a');
    await create('b');
    const seen: string[] = [];
    const name = (o: ConfigMap) => `${o.metadata?.name}=${o.data?.v ?? ''}`;
    // Every namespace gets this one from kube-controller-manager.
    const ours = (o: ConfigMap) => o.metadata?.name !== 'kube-root-ca.crt';
    const inf = new ResilientInformer<ConfigMap>(
      loopbackApi(proxy.url),
      cms,
      {
        onAdd: (o) => ours(o) && seen.push(`add ${name(o)}`),
        onUpdate: (o) => ours(o) && seen.push(`update ${name(o)}`),
        onDelete: (o) => ours(o) && seen.push(`delete ${o.metadata?.name}`),
      },
      log,
      // Trimmed as the caller says: the cache keeps only name, version and data.
      {
        trim: (o) => {
          const c = o as ConfigMap;
          return { metadata: { ...c.metadata }, ...(c.data ? { data: c.data } : {}) } as ConfigMap;
        },
        watchSeconds: () => 3,
      },
    );
    await inf.start();
    await inf.synced();
    expect(seen.sort()).toEqual(['add a=0', 'add b=0']);
    await eventually('healthy', async () => (inf.isHealthy() ? true : undefined));
    expect(proxy.watches.at(-1)).toMatch(/allowWatchBookmarks=true/);
    expect(proxy.watches.at(-1)).toMatch(/timeoutSeconds=3/);

    // Watch events.
    seen.length = 0;
    await change('a', '1');
    await remove('b');
    await create('c');
    await eventually('watch events', async () => (seen.length >= 3 ? true : undefined));
    expect(seen).toEqual(['update a=1', 'delete b', 'add c=0']);
    expect(inf.items().filter(ours).map(name).sort()).toEqual(['a=1', 'c=0']);

    // The server ends the watch (timeoutSeconds): the informer watches again, from where it was.
    const before = proxy.watches.length;
    await eventually(
      'a second watch',
      async () => (proxy.watches.length > before ? true : undefined),
      15_000,
    );
    expect(proxy.watches.at(-1)).not.toMatch(/resourceVersion=&|resourceVersion=$/);

    // Unreachable: unhealthy, retried with backoff; meanwhile c goes and d comes. When the watch
    // resumes from a resourceVersion the apiserver no longer has, the real 410 makes it relist, and
    // the relist emits the delete the watch missed.
    const watchesBeforeOutage = proxy.watches.length;
    seen.length = 0;
    proxy.setMode('down');
    proxy.cut();
    await eventually('unhealthy', async () => (inf.isHealthy() ? undefined : true));
    await remove('c');
    await create('d');
    // The apiserver restarts: its watch cache starts anew after the informer's resourceVersion,
    // so resuming from it gets a real 410 Gone.
    await lab.restart('kube-apiserver');
    await lab.waitApiserver(60_000);
    proxy.setMode('pass');
    await eventually('relisted', async () => (seen.length >= 2 ? true : undefined), 60_000);
    expect(seen.sort()).toEqual(['add d=0', 'delete c']);
    // A second list: the relist after the 410.
    expect(proxy.lists.filter((p) => p === cms).length).toBe(2);
    expect(proxy.watches.length).toBeGreaterThan(watchesBeforeOutage);
    expect(inf.items().filter(ours).map(name).sort()).toEqual(['a=1', 'd=0']);
    await eventually('healthy again', async () => (inf.isHealthy() ? true : undefined), 30_000);

    // A watch that stays silent (a connection dead without a reset) is given up and watched again.
    seen.length = 0;
    proxy.setMode('blackhole');
    proxy.cut();
    const blackholed = proxy.watches.length;
    await eventually('a blackholed watch', async () =>
      proxy.watches.length > blackholed ? true : undefined,
    );
    await change('a', '2');
    proxy.setMode('pass');
    await eventually(
      'the change after a dead watch',
      async () => (seen.includes('update a=2') ? true : undefined),
      30_000,
    );

    await inf.stop();
    expect(inf.isHealthy()).toBe(false);
  });
});
