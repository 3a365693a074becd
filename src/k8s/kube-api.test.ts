import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { apiErrorText } from './api-error-text.js';
import { ApiRequestError, KubeApi, statusCode } from './kube-api.js';
import { loopbackApi } from './loopback-api.js';

describe('KubeApi', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it.each([
    { name: '200: resolves', status: 200, want: undefined },
    { name: '201: resolves', status: 201, want: undefined },
    // statusCode() reads these the same as client-node's ApiException: 409 and 404 drive the controller.
    { name: '409: rejects with the code and body', status: 409, want: 409 },
    { name: '404: rejects with the code', status: 404, want: 404 },
  ])('write, $name', async ({ status, want }) => {
    const seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        Object.assign(seen, { method: req.method, url: req.url, headers: req.headers, body });
        res.statusCode = status;
        res.end('{"kind":"Status","reason":"Conflict"}');
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    // A trailing slash on the server: paths must not come out with two.
    const api = loopbackApi(`http://127.0.0.1:${port}/`, 't0k');
    const write = api.request('PATCH', '/api/v1/namespaces/a/services/b/status', {
      body: { x: 1 },
      contentType: 'application/merge-patch+json',
      discard: true,
    });
    if (want === undefined) await write;
    else {
      const err = await write.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiRequestError);
      expect(statusCode(err)).toBe(want);
      expect((err as ApiRequestError).body).toContain('Conflict');
    }
    expect(seen).toMatchObject({
      method: 'PATCH',
      url: '/api/v1/namespaces/a/services/b/status',
      body: '{"x":1}',
    });
    expect(seen.headers?.['content-type']).toBe('application/merge-patch+json');
    expect(seen.headers?.authorization).toBe('Bearer t0k');
  });

  /** A server that answers `body` to everything, or nothing at all; counts TCP connections. */
  let connections = 0;
  const listen = async (answer: boolean, body = '{}', status = 200): Promise<string> => {
    connections = 0;
    server = createServer((req, res) => {
      req.resume();
      if (answer)
        req.on('end', () => {
          res.statusCode = status;
          res.end(body);
        });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it.each([
    { name: 'an object', status: 200, body: '{"kind":"Lease","metadata":{"name":"l"}}', want: 'l' },
    { name: 'a missing object is undefined', status: 404, body: '{"kind":"Status"}', want: undefined },
  ])('get: $name', async ({ status, body, want }) => {
    const api = loopbackApi(await listen(true, body, status));
    const got = await api.get<{ metadata: { name: string } }>('/apis/x');
    expect(got?.metadata.name).toBe(want);
  });

  it('reuses one kept-alive connection for calls made one after another', async () => {
    const api = loopbackApi(await listen(true));
    for (let i = 0; i < 5; i++) await api.request('GET', '/api/v1/namespaces/default');
    expect(connections).toBe(1);
  });

  it('gives up on a server that does not answer, after the write timeout', async () => {
    const api = loopbackApi(await listen(false), 't0k');
    api.requestTimeoutMs = 200;
    const t0 = performance.now();
    const err = await api
      .request('PATCH', '/api/v1/namespaces/a/services/b/status', { body: {}, discard: true })
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no answer from the API server in 200 ms/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('names the API server in a network error, and keeps its code', async () => {
    // A port that was just free: nothing listens there.
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise((r) => gone.close(r));
    const err = await loopbackApi(url)
      .request('GET', '/api')
      .catch((e: unknown) => e);
    expect(apiErrorText(err)).toMatchObject({ code: 'ECONNREFUSED', known: true });
    expect(apiErrorText(err).text).toContain(`cannot reach the API server at ${url}`);
  });

  it('asks its credentials to be renewed after a 401', async () => {
    const url = await listen(true, '{"kind":"Status","code":401}', 401);
    let invalidated = 0;
    const api = new KubeApi({
      server: url,
      credentials: async () => ({ headers: {}, agent: new (await import('node:http')).Agent() }),
      invalidate: () => invalidated++,
    });
    expect(statusCode(await api.request('GET', '/api').catch((e: unknown) => e))).toBe(401);
    expect(invalidated).toBe(1);
  });
});
