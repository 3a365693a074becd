import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { http, https } from '../runtime/required-builtins.js';

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

/** The HTTP status of a refused API call (ours or client-node's ApiException), or undefined for other errors. */
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** What one request carries to prove who we are: headers and the agent holding the TLS material. */
export interface Credentials {
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** Kept alive; the same object for as long as the TLS material stays the same. */
  readonly agent: Agent;
}

/** Where the API server is and how to authenticate to it; see load-kube-api.ts. */
export interface ApiAccess {
  /** https://host:port, no trailing slash. */
  readonly server: string;
  credentials(): Promise<Credentials>;
  /** Called on 401 Unauthorized: credentials are read or fetched anew on the next call. */
  invalidate?(): void;
}

/** Writes and Lease calls: short enough that a dead connection cannot hold a lease loop for long. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Other reads, lists among them: a list of every Service of a large cluster may take a while. */
export const DEFAULT_READ_TIMEOUT_MS = 5 * 60_000;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  /** Answer parsed as JSON (default), or drained unread: the write's status code is all we need. */
  readonly discard?: boolean;
}

/**
 * The few calls BareLB makes to the API server, over node:https with kept-alive connections, in
 * place of @kubernetes/client-node's generated clients. Loading that library takes a Node process
 * from about 41 to 116-126 MiB RSS and about a second (issue 14); the speaker and the controller use
 * a handful of resources whose JSON they read directly.
 *
 * The timeout is the socket's: a request fails when the API server has sent nothing for that long.
 * For a small call that is the request's whole life, and unlike an AbortSignal per request it costs
 * no timer of its own. Lease calls and writes get the short one, so a dead connection cannot hold a
 * lease loop; other reads (a list of every Service) the long one.
 */
export class KubeApi {
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  readTimeoutMs = DEFAULT_READ_TIMEOUT_MS;

  constructor(readonly access: ApiAccess) {}

  get server(): string {
    return this.access.server;
  }

  /** GET of one object; undefined when it does not exist (404). */
  async get<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path);
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  async request<T>(method: Method, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, o);
    return (o.discard ? undefined : JSON.parse(res)) as T;
  }

  /**
   * Opens a streaming GET (a watch) and resolves with the response once its headers arrive with a
   * 2xx status. The caller owns the stream: it reads, and destroys it to stop.
   */
  async stream(path: string): Promise<{ res: IncomingMessage; req: ClientRequest }> {
    const { url, request, auth } = await this.prepare(path);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'GET',
        agent: auth.agent,
        headers: { ...auth.headers, Accept: 'application/json' },
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve({ res, req });
          return;
        }
        if (status === 401) this.access.invalidate?.();
        readAll(res).then((body) => reject(new ApiRequestError(status, body)), reject);
      });
      req.on('error', (err) => reject(failedRequest(url, err)));
      req.end();
    });
  }

  private async prepare(path: string) {
    const auth = await this.access.credentials();
    const url = new URL(`${this.access.server}${path}`);
    const request = url.protocol === 'https:' ? https.request : http.request;
    return { url, request, auth };
  }

  private async send(method: Method, path: string, o: RequestOptions): Promise<string> {
    const { url, request, auth } = await this.prepare(path);
    const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    const lease = path.includes('/apis/coordination.k8s.io/');
    const timeoutMs = method !== 'GET' || lease ? this.requestTimeoutMs : this.readTimeoutMs;
    return new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: auth.agent,
          timeout: timeoutMs,
          headers: {
            ...auth.headers,
            Accept: 'application/json',
            ...(payload
              ? { 'Content-Type': o.contentType ?? 'application/json', 'Content-Length': payload.length }
              : {}),
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.on('error', reject);
          if (status >= 200 && status < 300 && o.discard) {
            // Drained, not parsed: the connection goes back to the pool once the body is read.
            res.resume();
            res.on('end', () => resolve(''));
            return;
          }
          if (status === 401) this.access.invalidate?.();
          readAll(res).then(
            (body) =>
              status >= 200 && status < 300 ? resolve(body) : reject(new ApiRequestError(status, body)),
            reject,
          );
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${path}: no answer from the API server in ${timeoutMs} ms`)),
      );
      req.on('error', (err) => reject(failedRequest(url, err)));
      req.end(payload);
    });
  }
}

/**
 * A network error says which request failed, in the words api-error-text.ts reads the server
 * address from ("request to URL failed, reason: ..."), and keeps its system code (ECONNREFUSED).
 */
function failedRequest(url: URL, err: Error): Error {
  if (!err.message.startsWith('request to '))
    err.message = `request to ${url.href} failed, reason: ${err.message}`;
  return err;
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
