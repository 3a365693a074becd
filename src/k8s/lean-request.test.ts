import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepAliveKubeConfig } from './keep-alive-kube-config.js';
import { ApiRequestError, leanWrite } from './lean-request.js';
import { statusCode } from './lease-client.js';
import { pointAtLoopback } from './loopback-kube-config.js';

describe('leanWrite', () => {
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
  ])('$name', async ({ status, want }) => {
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
    const kc = pointAtLoopback(new KeepAliveKubeConfig(), `http://127.0.0.1:${port}/`, 't0k');
    const write = leanWrite(
      kc,
      'PATCH',
      '/api/v1/namespaces/a/services/b/status',
      { x: 1 },
      'application/merge-patch+json',
    );
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
});
