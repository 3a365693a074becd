import { readFile } from 'node:fs/promises';
import type { Agent } from 'node:http';
import { http, https } from '../runtime/required-builtins.js';
import { type ExecResult, runExecPlugin } from './exec-credential.js';
import type { ApiAccess, Credentials } from './kube-api.js';
import { type AccessConfig, impersonationHeaders, type Material } from './kubeconfig-resolve.js';

/**
 * An idle kept-alive socket is closed by us before anything in between can close it under a
 * request that was just sent on it: the apiserver's idle timeout is 90 s, a load balancer in front
 * of it often 20 s. Node applies the agent timeout to sockets in the free list only; a slow
 * in-flight request or a watch is not cut.
 */
const IDLE_SOCKET_TIMEOUT_MS = 15_000;
/**
 * Files (token, certificates) are read again this often, as client-go does with a token file: the
 * kubelet rotates a projected service-account token well before it expires, and a rotated client
 * certificate is picked up the same way.
 */
export const REREAD_MS = 60_000;
/** An exec plugin's credential is renewed this long before its expirationTimestamp. */
const EXEC_RENEW_EARLY_MS = 10_000;
/** Requests still running on an agent whose TLS material was replaced get this long to finish. */
const RETIRED_AGENT_GRACE_MS = 120_000;

export interface CredentialDeps {
  readonly readText: (file: string) => Promise<string>;
  readonly runExec: typeof runExecPlugin;
  readonly now: () => number;
}

const defaultDeps: CredentialDeps = {
  readText: (f) => readFile(f, 'utf8'),
  runExec: runExecPlugin,
  now: () => Date.now(),
};

/**
 * Credentials from a resolved kubeconfig or the in-cluster mount, with no client library: a bearer
 * token (inline, from a file re-read every minute, or from an exec plugin, cached until it expires)
 * or a client certificate, and one kept-alive agent per set of TLS material.
 */
export class ConfigCredentials implements ApiAccess {
  private cached: { at: number; creds: Credentials; expiresAt: number | undefined } | undefined;
  private pending: Promise<Credentials> | undefined;
  private exec: ExecResult | undefined;
  private agent: { key: string; agent: Agent } | undefined;

  constructor(
    private readonly cfg: AccessConfig,
    private readonly deps: CredentialDeps = defaultDeps,
  ) {}

  get server(): string {
    return this.cfg.server;
  }

  credentials(): Promise<Credentials> {
    const now = this.deps.now();
    const c = this.cached;
    if (c && now - c.at < REREAD_MS && (c.expiresAt === undefined || now < c.expiresAt - EXEC_RENEW_EARLY_MS))
      return Promise.resolve(c.creds);
    this.pending ??= this.load().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The API server refused our credentials (401): read or fetch them anew on the next request. */
  invalidate(): void {
    this.cached = undefined;
    this.exec = undefined;
  }

  private async read(m: Material | undefined): Promise<string | undefined> {
    if (!m) return undefined;
    return 'data' in m ? m.data : this.deps.readText(m.file);
  }

  private async load(): Promise<Credentials> {
    const now = this.deps.now();
    const ca = await this.read(this.cfg.ca);
    let cert = await this.read(this.cfg.cert);
    let key = await this.read(this.cfg.key);
    const headers: Record<string, string | string[]> = impersonationHeaders(this.cfg.impersonate);
    const a = this.cfg.auth;
    let expiresAt: number | undefined;
    if (a.kind === 'token') headers.Authorization = `Bearer ${a.token}`;
    else if (a.kind === 'tokenFile')
      headers.Authorization = `Bearer ${(await this.deps.readText(a.file)).trim()}`;
    else if (a.kind === 'basic')
      headers.Authorization = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
    else if (a.kind === 'exec') {
      const e = this.exec;
      if (!e || (e.expiresAt !== undefined && now >= e.expiresAt - EXEC_RENEW_EARLY_MS))
        this.exec = await this.deps.runExec(a.exec, this.cfg.server, ca);
      const r = this.exec as ExecResult;
      if (r.token) headers.Authorization = `Bearer ${r.token}`;
      cert = r.cert ?? cert;
      key = r.key ?? key;
      expiresAt = r.expiresAt;
    }
    const creds = { headers, agent: this.agentFor(ca, cert, key) };
    this.cached = { at: now, creds, expiresAt };
    return creds;
  }

  private agentFor(ca: string | undefined, cert: string | undefined, key: string | undefined): Agent {
    const id = JSON.stringify([ca, cert, key]);
    if (this.agent?.key === id) return this.agent.agent;
    const old = this.agent?.agent;
    if (old) setTimeout(() => old.destroy(), RETIRED_AGENT_GRACE_MS).unref();
    const base = { keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS };
    const agent = this.cfg.server.startsWith('https:')
      ? new https.Agent({
          ...base,
          ...(ca ? { ca } : {}),
          ...(cert ? { cert } : {}),
          ...(key ? { key } : {}),
          rejectUnauthorized: !this.cfg.insecure,
          ...(this.cfg.tlsServerName ? { servername: this.cfg.tlsServerName } : {}),
        })
      : new http.Agent(base);
    this.agent = { key: id, agent };
    return agent;
  }
}
