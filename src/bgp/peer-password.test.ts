import { describe, expect, it } from 'vitest';
import { BASIC_AUTH, type PasswordSecret, peerPassword } from './peer-password.js';

const NS = 'barelb-system';
const secrets = new Map<string, PasswordSecret>([
  ['bgp', { type: BASIC_AUTH, password: 's3cret' }],
  ['opaque', { type: 'Opaque', password: 's3cret' }],
  ['untyped', { type: undefined, password: 's3cret' }],
  ['empty', { type: BASIC_AUTH, password: '' }],
  ['nokey', { type: BASIC_AUTH, password: undefined }],
  ['long', { type: BASIC_AUTH, password: 'x'.repeat(81) }],
  ['max', { type: BASIC_AUTH, password: 'x'.repeat(80) }],
  // 27 three-byte characters: 81 bytes, though only 27 characters.
  ['wide', { type: BASIC_AUTH, password: '€'.repeat(27) }],
]);
const ref = (name: string, namespace?: string) => ({
  password: undefined,
  passwordSecret: { name, namespace },
});

describe('peerPassword', () => {
  it.each([
    {
      name: 'no password',
      peer: { password: undefined, passwordSecret: undefined },
      want: { ok: true, password: undefined },
    },
    {
      name: 'inline password',
      peer: { password: 'abc', passwordSecret: undefined },
      want: { ok: true, password: 'abc' },
    },
    { name: 'Secret in our namespace, implied', peer: ref('bgp'), want: { ok: true, password: 's3cret' } },
    { name: 'Secret in our namespace, named', peer: ref('bgp', NS), want: { ok: true, password: 's3cret' } },
    { name: 'exactly 80 bytes', peer: ref('max'), want: { ok: true, password: 'x'.repeat(80) } },
    {
      name: 'Secret elsewhere',
      peer: ref('bgp', 'metallb-system'),
      reason: /metallb-system\/bgp is outside barelb-system/,
    },
    { name: 'not found', peer: ref('nope'), reason: /Secret barelb-system\/nope not found/ },
    {
      name: 'wrong type',
      peer: ref('opaque'),
      reason: /is of type Opaque; a BGP password is kept in a kubernetes.io\/basic-auth Secret/,
    },
    { name: 'no type (Opaque)', peer: ref('untyped'), reason: /is of type Opaque/ },
    { name: 'empty password', peer: ref('empty'), reason: /has no "password" key/ },
    { name: 'no password key', peer: ref('nokey'), reason: /has no "password" key/ },
    { name: 'too long', peer: ref('long'), reason: /longer than 80 bytes/ },
    { name: 'too long in bytes, not characters', peer: ref('wide'), reason: /longer than 80 bytes/ },
  ])('$name', ({ peer, want, reason }) => {
    const got = peerPassword(peer, secrets, NS);
    if (want) expect(got).toEqual(want);
    else {
      expect(got.ok).toBe(false);
      expect(got.ok ? '' : got.reason).toMatch(reason ?? /never/);
    }
  });

  it('a Secret asked for before the Secrets are listed is refused with why, not taken as no password', () => {
    const got = peerPassword(ref('bgp'), undefined, NS);
    expect(got).toEqual({
      ok: false,
      reason: expect.stringMatching(/has not listed the Secrets of barelb-system/),
    });
  });

  it('an inline password needs no Secrets listed', () => {
    expect(peerPassword({ password: 'abc', passwordSecret: undefined }, undefined, NS)).toEqual({
      ok: true,
      password: 'abc',
    });
  });
});
