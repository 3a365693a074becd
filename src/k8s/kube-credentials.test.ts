import { describe, expect, it } from 'vitest';
import type { ExecResult } from './exec-credential.js';
import { ConfigCredentials, REREAD_MS } from './kube-credentials.js';
import type { AccessConfig } from './kubeconfig-resolve.js';

const EXEC = {
  apiVersion: 'client.authentication.k8s.io/v1',
  command: 'plugin',
  args: [],
  env: [],
  provideClusterInfo: false,
};

/** ConfigCredentials with files and an exec plugin in memory, on a clock the test moves. */
function harness(cfg: Partial<AccessConfig>, files: Record<string, string> = {}, exec: ExecResult[] = []) {
  const t = { now: 1_000_000, reads: 0, execs: 0 };
  const creds = new ConfigCredentials(
    { server: 'https://198.18.0.1:6443', insecure: false, auth: { kind: 'none' }, ...cfg },
    {
      now: () => t.now,
      readText: async (f) => {
        t.reads++;
        const v = files[f];
        if (v === undefined) throw new Error(`ENOENT ${f}`);
        return v;
      },
      runExec: async () => {
        const r = exec[Math.min(t.execs++, exec.length - 1)];
        if (!r) throw new Error('no plugin');
        return r;
      },
    },
  );
  return { creds, t, files };
}

describe('ConfigCredentials', () => {
  it('re-reads a rotated service-account token once a minute, not per request', async () => {
    const h = harness({ auth: { kind: 'tokenFile', file: '/sa/token' } }, { '/sa/token': 'one\n' });
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer one');
    h.files['/sa/token'] = 'two';
    h.t.now += REREAD_MS - 1;
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer one');
    h.t.now += 1;
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer two');
    expect(h.t.reads).toBe(2);
  });

  it('runs an exec plugin once, and again shortly before its credential expires or after a 401', async () => {
    const h = harness({ auth: { kind: 'exec', exec: EXEC } }, {}, [
      { token: 'a', expiresAt: 1_000_000 + 30_000 },
      { token: 'b', expiresAt: 1_000_000 + 10 * 60_000 },
      { token: 'c' },
    ]);
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer a');
    h.t.now += 15_000;
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer a');
    // 10 s before expiry it is renewed.
    h.t.now += 5_000;
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer b');
    // The minute's re-read keeps a credential that is still good.
    h.t.now += REREAD_MS;
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer b');
    expect(h.t.execs).toBe(2);
    h.creds.invalidate();
    expect((await h.creds.credentials()).headers.Authorization).toBe('Bearer c');
  });

  it('keeps one agent while the TLS material stays, and a new one when a certificate rotates', async () => {
    const h = harness(
      { cert: { file: '/c' }, key: { file: '/k' }, ca: { data: 'CA' } },
      { '/c': 'C1', '/k': 'K' },
    );
    const a1 = (await h.creds.credentials()).agent;
    h.t.now += REREAD_MS;
    expect((await h.creds.credentials()).agent).toBe(a1);
    h.files['/c'] = 'C2';
    h.t.now += REREAD_MS;
    const a2 = (await h.creds.credentials()).agent;
    expect(a2).not.toBe(a1);
    expect((a2 as unknown as { options: { cert: string; ca: string } }).options).toMatchObject({
      cert: 'C2',
      ca: 'CA',
    });
  });

  it.each([
    {
      name: 'a token',
      cfg: { auth: { kind: 'token', token: 't' } } as const,
      want: { Authorization: 'Bearer t' },
    },
    {
      name: 'basic auth',
      cfg: { auth: { kind: 'basic', username: 'u', password: 'p' } } as const,
      want: { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
    },
    {
      name: 'impersonation',
      cfg: { impersonate: { user: 'sa', groups: ['g'], extra: {} } },
      want: { 'Impersonate-User': 'sa', 'Impersonate-Group': ['g'] },
    },
  ])('headers for $name', async ({ cfg, want }) => {
    expect((await harness(cfg).creds.credentials()).headers).toEqual(want);
  });
});
