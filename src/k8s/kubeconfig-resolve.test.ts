import { describe, expect, it } from 'vitest';
import {
  impersonationHeaders,
  inClusterAccess,
  type KubeconfigDoc,
  resolveKubeconfig,
} from './kubeconfig-resolve.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A kubeconfig with one cluster, user and context; `user` and `cluster` fields are merged in. */
function config(user: Record<string, unknown> = {}, cluster: Record<string, unknown> = {}): unknown {
  return {
    'current-context': 'ctx',
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    clusters: [{ name: 'c', cluster: { server: 'https://198.18.0.1:6443/', ...cluster } }],
    users: [{ name: 'u', user }],
  };
}
const one = (doc: unknown, dir = '/etc/kube'): KubeconfigDoc[] => [{ dir, doc }];

describe('resolveKubeconfig', () => {
  it.each([
    {
      name: 'inline CA, client certificate and key (the lab, kubeadm)',
      docs: one(
        config(
          { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
          { 'certificate-authority-data': b64('CA') },
        ),
      ),
      want: {
        server: 'https://198.18.0.1:6443',
        ca: { data: 'CA' },
        cert: { data: 'CERT' },
        key: { data: 'KEY' },
        insecure: false,
        auth: { kind: 'none' },
      },
    },
    {
      name: 'files relative to the kubeconfig, a token',
      docs: one(
        config(
          { 'client-certificate': 'u.crt', 'client-key': '/abs/u.key', token: 't' },
          { 'certificate-authority': 'ca.crt' },
        ),
      ),
      want: {
        ca: { file: '/etc/kube/ca.crt' },
        cert: { file: '/etc/kube/u.crt' },
        key: { file: '/abs/u.key' },
        auth: { kind: 'token', token: 't' },
      },
    },
    {
      name: 'tokenFile, insecure-skip-tls-verify, tls-server-name',
      docs: one(config({ tokenFile: 'tok' }, { 'insecure-skip-tls-verify': true, 'tls-server-name': 'api' })),
      want: { insecure: true, tlsServerName: 'api', auth: { kind: 'tokenFile', file: '/etc/kube/tok' } },
    },
    {
      name: 'basic auth',
      docs: one(config({ username: 'admin', password: 'pw' })),
      want: { auth: { kind: 'basic', username: 'admin', password: 'pw' } },
    },
    {
      name: 'an exec plugin',
      docs: one(
        config({
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'aws',
            args: ['eks', 'get-token'],
            env: [{ name: 'AWS_PROFILE', value: 'p' }],
            provideClusterInfo: true,
          },
        }),
      ),
      want: {
        auth: {
          kind: 'exec',
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'aws',
            args: ['eks', 'get-token'],
            env: [{ name: 'AWS_PROFILE', value: 'p' }],
            provideClusterInfo: true,
          },
        },
      },
    },
    {
      name: 'impersonation (the lab runs its components so)',
      docs: one(
        config({ token: 't', as: 'system:serviceaccount:barelb-system:speaker', 'as-groups': ['g1', 'g2'] }),
      ),
      want: {
        impersonate: {
          user: 'system:serviceaccount:barelb-system:speaker',
          uid: undefined,
          groups: ['g1', 'g2'],
          extra: {},
        },
      },
    },
    {
      name: 'no user in the context',
      docs: one({
        'current-context': 'ctx',
        contexts: [{ name: 'ctx', context: { cluster: 'c' } }],
        clusters: [{ name: 'c', cluster: { server: 'https://a:1' } }],
      }),
      want: { server: 'https://a:1', auth: { kind: 'none' } },
    },
  ])('$name', ({ docs, want }) => {
    const r = resolveKubeconfig(docs);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.access).toMatchObject(want);
  });

  it('merges files as $KUBECONFIG does: the first current-context and the first of each name win', () => {
    const r = resolveKubeconfig([
      { dir: '/a', doc: { 'current-context': 'second', users: [{ name: 'u', user: { token: 'first' } }] } },
      {
        dir: '/b',
        doc: {
          'current-context': 'ctx',
          contexts: [{ name: 'second', context: { cluster: 'c', user: 'u' } }],
          clusters: [{ name: 'c', cluster: { server: 'https://b:1' } }],
          users: [{ name: 'u', user: { token: 'later' } }],
        },
      },
    ]);
    expect(r).toMatchObject({
      ok: true,
      context: 'second',
      access: { server: 'https://b:1', auth: { token: 'first' } },
    });
  });

  it.each([
    {
      name: 'auth-provider',
      user: { 'auth-provider': { name: 'oidc' } },
      cluster: {},
      reason: 'auth-provider',
    },
    { name: 'a proxy', user: {}, cluster: { 'proxy-url': 'http://proxy:3128' }, reason: 'proxy-url' },
    {
      name: 'an exec plugin of an old API',
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' } },
      cluster: {},
      reason: 'exec apiVersion client.authentication.k8s.io/v1alpha1',
    },
  ])('left to client-node: $name', ({ user, cluster, reason }) => {
    expect(resolveKubeconfig(one(config(user, cluster)))).toEqual({ ok: false, unsupported: true, reason });
  });

  it.each([
    { name: 'no current-context', doc: { clusters: [] }, reason: /no current-context/ },
    { name: 'unknown context', doc: { 'current-context': 'x' }, reason: /"x" is not among its contexts/ },
    {
      name: 'unknown cluster',
      doc: { 'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'nope' } }] },
      reason: /cluster "nope"/,
    },
    {
      name: 'a cluster without server',
      doc: {
        'current-context': 'x',
        contexts: [{ name: 'x', context: { cluster: 'c' } }],
        clusters: [{ name: 'c', cluster: {} }],
      },
      reason: /has no server/,
    },
  ])('refuses $name', ({ doc, reason }) => {
    const r = resolveKubeconfig(one(doc));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.unsupported).toBe(false);
      expect(r.reason).toMatch(reason);
    }
  });
});

describe('inClusterAccess', () => {
  it.each([
    {
      env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      server: 'https://10.96.0.1:443',
    },
    {
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      server: 'https://[fd00::1]:443',
    },
    { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, server: undefined },
  ])('$env -> $server', ({ env, server }) => {
    const a = inClusterAccess(env, '/sa');
    expect(a?.server).toBe(server);
    if (a)
      expect(a).toMatchObject({ ca: { file: '/sa/ca.crt' }, auth: { kind: 'tokenFile', file: '/sa/token' } });
  });
});

describe('impersonationHeaders', () => {
  it.each([
    { i: undefined, want: {} },
    {
      i: { user: 'u', uid: '7', groups: ['a', 'b'], extra: { 'scopes.io/x': ['1'] } },
      want: {
        'Impersonate-User': 'u',
        'Impersonate-Uid': '7',
        // One header line per group: the API server does not split on commas.
        'Impersonate-Group': ['a', 'b'],
        'Impersonate-Extra-scopes.io%2Fx': ['1'],
      },
    },
  ])('$i', ({ i, want }) => {
    expect(impersonationHeaders(i)).toEqual(want);
  });
});
