import http from 'node:http';
import https from 'node:https';
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { DEFAULT_REQUEST_TIMEOUT_MS, KeepAliveKubeConfig } from './keep-alive-kube-config.js';

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
 * Authentication applied for one write is reused by the writes of the next second. client-node
 * applies it from scratch per request: it decodes the kubeconfig's certificates from base64 and
 * builds an https.Agent (which KeepAliveKubeConfig then hashes and swaps for its pooled one), and
 * it reads token files. In the controller's burst of 1,000 status writes and 1,000 Events that
 * showed in CPU profiles. A rotated token or certificate is still picked up within a second.
 */
const AUTH_REUSE_MS = 1_000;

interface AppliedAuth {
  readonly base: string;
  readonly headers: Record<string, string>;
  readonly agent: http.Agent | undefined;
}

const appliedAuth = new WeakMap<KubeConfig, { at: number; auth: Promise<AppliedAuth> }>();

function authFor(kc: KubeConfig): Promise<AppliedAuth> {
  const now = Date.now();
  const hit = appliedAuth.get(kc);
  if (hit && now >= hit.at && now - hit.at < AUTH_REUSE_MS) return hit.auth;
  const auth = (async () => {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('no current cluster in the kubeconfig');
    const base = server.replace(/\/$/, '');
    const ctx = new RequestContext(base, HttpMethod.POST);
    await kc.applySecurityAuthentication(ctx);
    return { base, headers: ctx.getHeaders(), agent: ctx.getAgent() };
  })();
  // A failure is not remembered: the next write tries again (unless a newer entry replaced it).
  auth.catch(() => {
    if (appliedAuth.get(kc)?.auth === auth) appliedAuth.delete(kc);
  });
  appliedAuth.set(kc, { at: now, auth });
  return auth;
}

/**
 * One write to the API server whose answer is not needed beyond its status code.
 *
 * The controller's hot path (a status patch and an Event per allocation) goes through here rather
 * than the generated client: that one serializes the body through its model classes, and parses and
 * deserializes the whole returned object, which the controller never reads (its informer sees the
 * change anyway). Authentication is still the KubeConfig's, applied as for every other call and
 * reused for a second (AUTH_REUSE_MS), so tokens, impersonation and the kept-alive connections are
 * shared.
 *
 * The timeout (the KubeConfig's write timeout) is the socket's: the request fails when the API
 * server has sent nothing for that long. For a small write that is the request's whole life, and
 * unlike an AbortSignal per request it costs no timer and listeners of its own.
 */
export async function leanWrite(
  kc: KubeConfig,
  method: 'PATCH' | 'POST',
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<void> {
  const auth = await authFor(kc);
  const url = new URL(`${auth.base}${path}`);
  const request = url.protocol === 'https:' ? https.request : http.request;
  const payload = Buffer.from(JSON.stringify(body));
  const timeoutMs = kc instanceof KeepAliveKubeConfig ? kc.requestTimeoutMs : DEFAULT_REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: auth.agent,
        timeout: timeoutMs,
        headers: {
          ...auth.headers,
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
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${path}: no answer from the API server in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}
