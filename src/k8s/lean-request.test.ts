import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestContext } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  /** A server that answers 200 to everything, or nothing at all. */
  const listen = async (answer: boolean): Promise<string> => {
    server = createServer((req, res) => {
      req.resume();
      if (answer) req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  /** Counts how often client-node's authentication is applied. */
  class CountingKubeConfig extends KeepAliveKubeConfig {
    applied = 0;
    override async applySecurityAuthentication(context: RequestContext): Promise<void> {
      this.applied++;
      await super.applySecurityAuthentication(context);
    }
  }

  it('applies authentication once for the writes of a second, and again after it', async () => {
    const kc = pointAtLoopback(new CountingKubeConfig(), await listen(true), 't0k');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let i = 0; i < 5; i++) await leanWrite(kc, 'POST', '/api/v1/namespaces/a/events', {});
      expect(kc.applied).toBe(1);
      vi.setSystemTime(Date.now() + 1_001);
      await leanWrite(kc, 'POST', '/api/v1/namespaces/a/events', {});
      expect(kc.applied).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up on a server that does not answer, after the write timeout', async () => {
    const kc = pointAtLoopback(new KeepAliveKubeConfig(), await listen(false), 't0k');
    kc.requestTimeoutMs = 200;
    const t0 = performance.now();
    const err = await leanWrite(kc, 'PATCH', '/api/v1/namespaces/a/services/b/status', {}).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/no answer from the API server in 200 ms/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
