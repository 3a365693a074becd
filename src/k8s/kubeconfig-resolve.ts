import { isAbsolute, join } from 'node:path';

/** PEM text given inline (a *-data field, base64-decoded) or a file to read (and re-read). */
export type Material = { readonly data: string } | { readonly file: string };

export interface ExecConfig {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly provideClusterInfo: boolean;
}

export type UserAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'tokenFile'; readonly file: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'exec'; readonly exec: ExecConfig };

/** kubectl's --as and friends: the API server acts as this user (the lab's components use it). */
export interface Impersonation {
  readonly user?: string | undefined;
  readonly uid?: string | undefined;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** Everything needed to reach and authenticate to one API server, with no client library. */
export interface AccessConfig {
  readonly server: string;
  readonly ca?: Material | undefined;
  readonly cert?: Material | undefined;
  readonly key?: Material | undefined;
  readonly insecure: boolean;
  readonly tlsServerName?: string | undefined;
  readonly auth: UserAuth;
  readonly impersonate?: Impersonation | undefined;
}

/**
 * The outcome of reading a kubeconfig: what to connect with, or why this loader does not handle it
 * (`unsupported`, and the caller falls back to @kubernetes/client-node), or what is wrong with it.
 */
export type Resolved =
  | { readonly ok: true; readonly access: AccessConfig; readonly context: string }
  | { readonly ok: false; readonly unsupported: boolean; readonly reason: string };

/** One kubeconfig file as parsed YAML, and its directory (relative paths in it are relative to it). */
export interface KubeconfigDoc {
  readonly dir: string;
  readonly doc: unknown;
}

/** The exec plugin API versions whose ExecCredential we read (same shape in both). */
const EXEC_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Named entries of every file, merged as kubectl does with $KUBECONFIG: the first file that
 * defines a name wins, and so does the first current-context.
 */
function named(
  docs: readonly KubeconfigDoc[],
  field: string,
  inner: string,
): Map<string, { v: Rec; dir: string }> {
  const out = new Map<string, { v: Rec; dir: string }>();
  for (const { doc, dir } of docs)
    for (const e of list(rec(doc)[field])) {
      const name = str(rec(e).name);
      if (name !== undefined && !out.has(name)) out.set(name, { v: rec(rec(e)[inner]), dir });
    }
  return out;
}

function material(data: unknown, file: unknown, dir: string): Material | undefined {
  const d = str(data);
  if (d !== undefined) return { data: Buffer.from(d, 'base64').toString('utf8') };
  const f = str(file);
  return f === undefined ? undefined : { file: isAbsolute(f) ? f : join(dir, f) };
}

/** Pure: the current context of the merged kubeconfig files, resolved to an AccessConfig. */
export function resolveKubeconfig(docs: readonly KubeconfigDoc[]): Resolved {
  const fail = (reason: string, unsupported = false): Resolved => ({ ok: false, unsupported, reason });
  const current = docs.map((d) => str(rec(d.doc)['current-context'])).find((c) => c !== undefined);
  if (current === undefined) return fail('the kubeconfig sets no current-context');
  const context = named(docs, 'contexts', 'context').get(current)?.v;
  if (!context) return fail(`the kubeconfig's current-context "${current}" is not among its contexts`);
  const clusterName = str(context.cluster) ?? '';
  const cluster = named(docs, 'clusters', 'cluster').get(clusterName);
  if (!cluster)
    return fail(`context "${current}" names cluster "${clusterName}", which the kubeconfig lacks`);
  const server = str(cluster.v.server);
  if (server === undefined) return fail(`cluster "${clusterName}" has no server`);
  if (str(cluster.v['proxy-url']) !== undefined) return fail('proxy-url', true);
  const userName = str(context.user);
  const user = userName === undefined ? undefined : named(docs, 'users', 'user').get(userName);
  if (userName !== undefined && !user)
    return fail(`context "${current}" names user "${userName}", which the kubeconfig lacks`);
  const u = user?.v ?? {};
  const udir = user?.dir ?? '';
  if (u['auth-provider'] !== undefined) return fail('auth-provider', true);
  const auth = userAuth(u, udir);
  if ('unsupported' in auth) return fail(auth.unsupported, true);
  const insecure = cluster.v['insecure-skip-tls-verify'] === true;
  return {
    ok: true,
    context: current,
    access: {
      server: server.replace(/\/+$/, ''),
      ca: material(cluster.v['certificate-authority-data'], cluster.v['certificate-authority'], cluster.dir),
      cert: material(u['client-certificate-data'], u['client-certificate'], udir),
      key: material(u['client-key-data'], u['client-key'], udir),
      insecure,
      tlsServerName: str(cluster.v['tls-server-name']),
      auth,
      impersonate: impersonation(u),
    },
  };
}

function impersonation(u: Rec): Impersonation | undefined {
  const user = str(u.as);
  const uid = str(u['as-uid']);
  const groups = list(u['as-groups']).map(String);
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(rec(u['as-user-extra']))) extra[k] = list(v).map(String);
  if (user === undefined && uid === undefined && groups.length === 0 && Object.keys(extra).length === 0)
    return undefined;
  return { user, uid, groups, extra };
}

/** Pure: the headers that ask the API server to act as someone else (its impersonation API). */
export function impersonationHeaders(i: Impersonation | undefined): Record<string, string | string[]> {
  if (!i) return {};
  const h: Record<string, string | string[]> = {};
  if (i.user) h['Impersonate-User'] = i.user;
  if (i.uid) h['Impersonate-Uid'] = i.uid;
  // One header line per value, as client-go sends them: the API server does not split on commas.
  if (i.groups.length > 0) h['Impersonate-Group'] = [...i.groups];
  for (const [k, v] of Object.entries(i.extra))
    if (v.length > 0) h[`Impersonate-Extra-${encodeURIComponent(k)}`] = [...v];
  return h;
}

function userAuth(u: Rec, dir: string): UserAuth | { unsupported: string } {
  const token = str(u.token);
  if (token !== undefined) return { kind: 'token', token };
  const tokenFile = str(u.tokenFile);
  if (tokenFile !== undefined)
    return { kind: 'tokenFile', file: isAbsolute(tokenFile) ? tokenFile : join(dir, tokenFile) };
  const username = str(u.username);
  if (username !== undefined) return { kind: 'basic', username, password: str(u.password) ?? '' };
  const exec = rec(u.exec);
  if (u.exec === undefined) return { kind: 'none' };
  const apiVersion = str(exec.apiVersion) ?? '';
  if (!EXEC_VERSIONS.has(apiVersion)) return { unsupported: `exec apiVersion ${apiVersion || '(none)'}` };
  const command = str(exec.command);
  if (command === undefined) return { unsupported: 'exec without a command' };
  return {
    kind: 'exec',
    exec: {
      apiVersion,
      command,
      args: list(exec.args).map(String),
      env: list(exec.env).map((e) => ({
        name: String(rec(e).name ?? ''),
        value: String(rec(e).value ?? ''),
      })),
      provideClusterInfo: exec.provideClusterInfo === true,
    },
  };
}

/** Pure: the in-cluster configuration from the service-account mount and the Service environment. */
export function inClusterAccess(
  env: Readonly<Record<string, string | undefined>>,
  saDir = '/var/run/secrets/kubernetes.io/serviceaccount',
): AccessConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  // An IPv6 service address needs brackets in a URL.
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    server: `https://${h}:${port}`,
    ca: { file: `${saDir}/ca.crt` },
    insecure: false,
    auth: { kind: 'tokenFile', file: `${saDir}/token` },
  };
}
