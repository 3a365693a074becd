import { describe, expect, it } from 'vitest';
import { trimPasswordSecret, waitForSecrets } from './password-secrets.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('trimPasswordSecret', () => {
  it.each([
    {
      name: 'a basic-auth Secret: type and the decoded password, nothing else',
      secret: {
        metadata: { name: 'bgp', namespace: 'barelb-system', resourceVersion: '7', uid: 'u' },
        type: 'kubernetes.io/basic-auth',
        data: { username: b64('admin'), password: b64('s3cret €') },
      },
      want: { type: 'kubernetes.io/basic-auth', password: 's3cret €' },
    },
    {
      name: 'another Secret of the namespace: no key of it is kept',
      secret: { metadata: { name: 'memberlist' }, type: 'Opaque', data: { secretkey: b64('k') } },
      want: { type: 'Opaque', password: undefined },
    },
    {
      name: 'no type, no data',
      secret: { metadata: { name: 'x' } },
      want: { type: undefined, password: undefined },
    },
  ])('$name', ({ secret, want }) => {
    const got = trimPasswordSecret(secret);
    expect(got).toMatchObject(want);
    expect(got.metadata?.name).toBe(secret.metadata.name);
    expect(JSON.stringify(got)).not.toMatch(/username|secretkey|"data"/);
  });
});

describe('waitForSecrets', () => {
  it.each([
    {
      name: 'no peer names a Secret: nothing to wait for',
      needed: false,
      listed: false,
      failed: false,
      want: false,
    },
    { name: 'first list pending', needed: true, listed: false, failed: false, want: true },
    {
      name: 'first list failed: open refused, saying why',
      needed: true,
      listed: false,
      failed: true,
      want: false,
    },
    { name: 'listed', needed: true, listed: true, failed: false, want: false },
    {
      name: 'listed, a later watch failed: the cache still serves',
      needed: true,
      listed: true,
      failed: true,
      want: false,
    },
  ])('$name', ({ needed, listed, failed, want }) => {
    expect(waitForSecrets({ needed, listed, failed })).toBe(want);
  });
});
