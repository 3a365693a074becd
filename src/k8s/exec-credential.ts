import { execFile } from 'node:child_process';
import type { ExecConfig } from './kubeconfig-resolve.js';

/** What an exec credential plugin gave: a bearer token or a client certificate, and until when. */
export interface ExecResult {
  readonly token?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** Epoch ms; undefined: good until the API server refuses it (401). */
  readonly expiresAt?: number | undefined;
}

/**
 * Pure: reads an ExecCredential (client.authentication.k8s.io/v1 or v1beta1) a plugin printed.
 * Returns a reason string when it is not one.
 */
export function parseExecCredential(stdout: string, apiVersion: string): ExecResult | string {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return 'the exec plugin did not print JSON';
  }
  const d = (doc ?? {}) as { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> };
  if (d.kind !== 'ExecCredential')
    return `the exec plugin printed kind ${String(d.kind)}, not ExecCredential`;
  if (d.apiVersion !== apiVersion)
    return `the exec plugin answered ${String(d.apiVersion)}, but the kubeconfig asked for ${apiVersion}`;
  const s = d.status ?? {};
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const token = text(s.token);
  const cert = text(s.clientCertificateData);
  const key = text(s.clientKeyData);
  if (!token && !(cert && key))
    return 'the ExecCredential has neither a token nor a client certificate and key';
  const exp = text(s.expirationTimestamp);
  const expiresAt = exp === undefined ? undefined : Date.parse(exp);
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) return `bad expirationTimestamp ${exp}`;
  return { token, cert, key, expiresAt };
}

/** The KUBERNETES_EXEC_INFO a plugin reads: we never prompt (no terminal in a Pod). */
function execInfo(c: ExecConfig, server: string, ca: string | undefined): string {
  const cluster = c.provideClusterInfo
    ? {
        cluster: {
          server,
          ...(ca ? { 'certificate-authority-data': Buffer.from(ca).toString('base64') } : {}),
        },
      }
    : {};
  return JSON.stringify({
    apiVersion: c.apiVersion,
    kind: 'ExecCredential',
    spec: { interactive: false, ...cluster },
  });
}

/** Runs an exec credential plugin once. */
export function runExecPlugin(c: ExecConfig, server: string, ca: string | undefined): Promise<ExecResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: execInfo(c, server, ca) };
  for (const e of c.env) env[e.name] = e.value;
  return new Promise((resolve, reject) => {
    execFile(c.command, [...c.args], { env, timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(
          new Error(`exec credential plugin ${c.command} failed: ${err.message} ${String(stderr).trim()}`),
        );
        return;
      }
      const r = parseExecCredential(String(stdout), c.apiVersion);
      if (typeof r === 'string') reject(new Error(`exec credential plugin ${c.command}: ${r}`));
      else resolve(r);
    });
  });
}
