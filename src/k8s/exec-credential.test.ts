import { describe, expect, it } from 'vitest';
import { parseExecCredential } from './exec-credential.js';

const V1 = 'client.authentication.k8s.io/v1';
const cred = (status: unknown, apiVersion = V1) =>
  JSON.stringify({ apiVersion, kind: 'ExecCredential', status });

describe('parseExecCredential', () => {
  it.each([
    { name: 'a token without expiry', out: cred({ token: 't' }), want: { token: 't', expiresAt: undefined } },
    {
      name: 'a token with expiry',
      out: cred({ token: 't', expirationTimestamp: '2026-12-02T10:00:00Z' }),
      want: { token: 't', expiresAt: Date.parse('2026-12-02T10:00:00Z') },
    },
    {
      name: 'a client certificate',
      out: cred({ clientCertificateData: 'C', clientKeyData: 'K' }),
      want: { cert: 'C', key: 'K', token: undefined },
    },
    { name: 'not JSON', out: 'hello', want: 'the exec plugin did not print JSON' },
    {
      name: 'another kind',
      out: JSON.stringify({ apiVersion: V1, kind: 'Status' }),
      want: /not ExecCredential/,
    },
    {
      name: 'another version',
      out: cred({ token: 't' }, 'client.authentication.k8s.io/v1beta1'),
      want: /asked for/,
    },
    { name: 'nothing in it', out: cred({}), want: /neither a token nor/ },
    {
      name: 'a certificate without key',
      out: cred({ clientCertificateData: 'C' }),
      want: /neither a token nor/,
    },
    {
      name: 'a bad time',
      out: cred({ token: 't', expirationTimestamp: 'soon' }),
      want: /bad expirationTimestamp/,
    },
  ])('$name', ({ out, want }) => {
    const r = parseExecCredential(out, V1);
    if (typeof want === 'string') expect(r).toBe(want);
    else if (want instanceof RegExp) expect(r).toMatch(want);
    else expect(r).toMatchObject(want);
  });
});
