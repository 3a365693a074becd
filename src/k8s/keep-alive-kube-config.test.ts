import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepAliveKubeConfig, missingKubeconfig } from './keep-alive-kube-config.js';
import { pointAtLoopback } from './loopback-kube-config.js';

/** A loopback stand-in for an apiserver that counts TCP connections and records request headers. */
async function countingServer(): Promise<{
  server: Server;
  url: string;
  connections: () => number;
  headers: IncomingHttpHeaders[];
}> {
  let connections = 0;
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, connections: () => connections, headers };
}

describe('KeepAliveKubeConfig', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it.each([
    // The control: the library's own config opens one connection per call.
    { name: 'plain KubeConfig', make: () => new KubeConfig(), sequential: 5, parallel: 0, want: 5 },
    {
      name: 'kept alive, sequential calls',
      make: () => new KeepAliveKubeConfig(),
      sequential: 5,
      parallel: 0,
      want: 1,
    },
    // Concurrent calls need as many connections as are in flight at once, and no more.
    {
      name: 'kept alive, 4 at once then 4 more',
      make: () => new KeepAliveKubeConfig(),
      sequential: 0,
      parallel: 4,
      want: 4,
    },
  ])('$name: $want connection(s)', async ({ make, sequential, parallel, want }) => {
    const s = await countingServer();
    server = s.server;
    const api = pointAtLoopback(make(), s.url, 'secret-token').makeApiClient(CoreV1Api);
    for (let i = 0; i < sequential; i++) await api.readNamespace({ name: 'default' });
    if (parallel > 0) {
      for (let round = 0; round < 2; round++) {
        await Promise.all(Array.from({ length: parallel }, () => api.readNamespace({ name: 'default' })));
      }
    }
    expect(s.connections()).toBe(want);
    // Authentication is still applied to every request, not just the first on a connection.
    expect(s.headers.length).toBe(sequential + 2 * parallel);
    for (const h of s.headers) expect(h.authorization).toBe('Bearer secret-token');
  });

  it('abandons a call the server never answers', async () => {
    const silent = createServer(() => {});
    server = silent;
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const kc = new KeepAliveKubeConfig();
    kc.readTimeoutMs = 200;
    const api = pointAtLoopback(
      kc,
      `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      'secret-token',
    ).makeApiClient(CoreV1Api);
    const t0 = performance.now();
    await expect(api.readNamespace({ name: 'default' })).rejects.toThrow(/abort/i);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

describe('missingKubeconfig', () => {
  const files =
    (...present: string[]) =>
    (p: string) =>
      present.includes(p);
  it.each([
    {
      name: 'in a cluster',
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      exists: files(),
      want: undefined,
    },
    { name: '~/.kube/config', env: {}, exists: files('/root/.kube/config'), want: undefined },
    { name: '$KUBECONFIG names a file', env: { KUBECONFIG: '/a:/b' }, exists: files('/b'), want: undefined },
    {
      name: 'nothing anywhere',
      env: {},
      exists: files(),
      want: 'no kubeconfig: not running in a cluster, no ~/.kube/config; pass --kubeconfig FILE or set KUBECONFIG',
    },
    {
      name: '$KUBECONFIG names only missing files (~/.kube/config is not read then)',
      env: { KUBECONFIG: '/gone' },
      exists: files('/root/.kube/config'),
      want: 'no kubeconfig: not running in a cluster, $KUBECONFIG (/gone) names no file; pass --kubeconfig FILE or set KUBECONFIG',
    },
  ])('$name', ({ env, exists, want }) => {
    expect(missingKubeconfig(env, exists, '/root')).toBe(want);
  });
});
