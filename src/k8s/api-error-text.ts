/**
 * Plain words for a failed Kubernetes API call, for log lines an operator reads at night: what went wrong
 * and what to check, instead of a stack trace of the HTTP client. `@kubernetes/client-node` fails with an
 * ApiException (`code` is the HTTP status, a number) when the server answered, and with node-fetch's
 * FetchError (`code` is the system error, a string such as ECONNREFUSED) when it could not be reached.
 */
export interface ApiErrorText {
  /** The HTTP status or the system error code; undefined when neither is known. */
  readonly code: number | string | undefined;
  /** An outcome the caller expects in normal operation and handles by retrying (409 Conflict). */
  readonly expected: boolean;
  /** One sentence; names the API server's address when the error carries it. */
  readonly text: string;
  /** False for errors this function does not know: log the error itself (under `err`) then. */
  readonly known: boolean;
}

const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: is the API server running, and is the address in the kubeconfig right?',
  ENOTFOUND: "its host name does not resolve: check the kubeconfig's server address and DNS",
  EAI_AGAIN: 'its host name could not be resolved right now (DNS did not answer)',
  EHOSTUNREACH: 'no route to its host',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
};

const TLS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function apiErrorText(err: unknown): ApiErrorText {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.code === 'number') return httpText(e.code, message);
  const code = typeof e.code === 'string' ? e.code : undefined;
  // node-fetch: "request to https://10.0.0.1:6443/api/v1/services?watch=true failed, reason: ..."
  const url = /request to (\S+) failed/.exec(message)?.[1];
  const server = url ? serverOf(url) : undefined;
  const at = server ? ` at ${server}` : '';
  if (code && UNREACHABLE[code])
    return {
      code,
      expected: false,
      known: true,
      text: `cannot reach the API server${at}: ${UNREACHABLE[code]}`,
    };
  if (code && TLS.has(code))
    return {
      code,
      expected: false,
      known: true,
      text: `the API server${at} presented a certificate this client does not trust (${code}): check the kubeconfig's certificate-authority`,
    };
  if (e.name === 'AbortError' || /timed? ?out/i.test(message))
    return { code, expected: false, known: true, text: `the API server${at} did not answer in time` };
  return { code, expected: false, known: false, text: message };
}

function httpText(status: number, message: string): ApiErrorText {
  const t = (text: string, expected = false) => ({ code: status, expected, known: true, text });
  if (status === 409)
    return t(
      'the object changed since the decision was made (409 Conflict); retrying on its newer version',
      true,
    );
  if (status === 401)
    return t(
      'the API server refused our credentials (401 Unauthorized): an expired token or the wrong kubeconfig',
    );
  if (status === 403)
    return t(
      `not allowed (403 Forbidden): the ServiceAccount lacks a permission; compare its RBAC with deploy/ (${firstLine(message)})`,
    );
  if (status === 404) return t('not found (404)');
  if (status === 429) return t('the API server is throttling us (429 Too Many Requests)');
  if (status >= 500) return t(`the API server failed the request (${status}): ${firstLine(message)}`);
  return { code: status, expected: false, known: false, text: firstLine(message) };
}

function serverOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Log fields for a failed API call: `code` and `reason` always; the error itself under `err` (with its
 * stack) only when it is not one of the known cases, where a stack says nothing an operator can use.
 */
export function apiErrorFields(err: unknown): {
  code: number | string | undefined;
  reason: string;
  err?: unknown;
} {
  const d = apiErrorText(err);
  return d.known ? { code: d.code, reason: d.text } : { code: d.code, reason: d.text, err };
}
