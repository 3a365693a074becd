import http from 'node:http';
import https from 'node:https';
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './keep-alive-kube-config.js';

/** A refused request: `code` is the HTTP status, as on client-node's ApiException (see statusCode). */
export class ApiRequestError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
  ) {
    super(`HTTP ${code}: ${body.slice(0, 500)}`);
    this.name = 'ApiRequestError';
  }
}

/**
 * One write to the API server whose answer is not needed beyond its status code.
 *
 * The controller's hot path (a status patch and an Event per allocation) goes through here rather
 * than the generated client: that one serializes the body through its model classes, and parses and
 * deserializes the whole returned object, which the controller never reads (its informer sees the
 * change anyway). Authentication is still the KubeConfig's, applied the same way as for every other
 * call, so tokens, impersonation and the kept-alive connections are shared.
 */
export async function leanWrite(
  kc: KubeConfig,
  method: 'PATCH' | 'POST',
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<void> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('no current cluster in the kubeconfig');
  const ctx = new RequestContext(`${server.replace(/\/$/, '')}${path}`, HttpMethod[method]);
  await kc.applySecurityAuthentication(ctx);
  const url = new URL(ctx.getUrl());
  const request = url.protocol === 'https:' ? https.request : http.request;
  const payload = Buffer.from(JSON.stringify(body));
  await new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: ctx.getAgent(),
        // A KeepAliveKubeConfig has set one; any other KubeConfig gets the same bound here.
        signal: ctx.getSignal() ?? AbortSignal.timeout(DEFAULT_REQUEST_TIMEOUT_MS),
        headers: {
          ...ctx.getHeaders(),
          Accept: 'application/json',
          'Content-Type': contentType,
          'Content-Length': payload.length,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.on('error', reject);
        if (status >= 200 && status < 300) {
          // Drained, not parsed: the connection goes back to the pool once the body is read.
          res.resume();
          res.on('end', resolve);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new ApiRequestError(status, Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
