import { describe, expect, it } from 'vitest';
import { apiErrorFields, apiErrorText } from './api-error-text.js';

// node-fetch's FetchError as client-node passes it on (fields as observed from client-node 1.4).
const fetchError = (code: string, reason: string) =>
  Object.assign(
    new Error(`request to https://198.18.0.2:6443/api/v1/services?watch=true failed, reason: ${reason}`),
    {
      name: 'FetchError',
      type: 'system',
      code,
      errno: code,
    },
  );
// client-node's ApiException: `code` is the HTTP status.
const apiException = (code: number, body: string) =>
  Object.assign(new Error(`HTTP-Code: ${code}\nMessage: ${body}`), { code });

describe('apiErrorText: plain words for a failed API call', () => {
  it.each([
    {
      name: 'connection refused names the server and what to check',
      err: fetchError('ECONNREFUSED', 'connect ECONNREFUSED 198.18.0.2:6443'),
      want: {
        code: 'ECONNREFUSED',
        expected: false,
        known: true,
        text: 'cannot reach the API server at https://198.18.0.2:6443: connection refused: is the API server running, and is the address in the kubeconfig right?',
      },
    },
    {
      name: 'a host name that does not resolve',
      err: fetchError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.example'),
      want: {
        code: 'ENOTFOUND',
        known: true,
        textStart: 'cannot reach the API server at https://198.18.0.2:6443: its host name',
      },
    },
    {
      name: 'no route',
      err: fetchError('EHOSTUNREACH', 'connect EHOSTUNREACH'),
      want: { code: 'EHOSTUNREACH', known: true, textStart: 'cannot reach the API server at' },
    },
    {
      name: 'an untrusted certificate',
      err: fetchError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      want: {
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        known: true,
        textStart: 'the API server at https://198.18.0.2:6443 presented a certificate',
      },
    },
    {
      name: 'a request timeout',
      err: Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }),
      want: { code: undefined, known: true, text: 'the API server did not answer in time' },
    },
    {
      name: '409 is expected: retried, not alarming',
      err: apiException(409, 'Operation cannot be fulfilled on services "web": the object has been modified'),
      want: {
        code: 409,
        expected: true,
        known: true,
        textStart: 'the object changed since the decision was made',
      },
    },
    {
      name: '403 points at RBAC and keeps the server message',
      err: apiException(403, 'services "web" is forbidden'),
      want: { code: 403, known: true, textStart: 'not allowed (403 Forbidden)', textEnd: '(HTTP-Code: 403)' },
    },
    {
      name: '401',
      err: apiException(401, 'Unauthorized'),
      want: { code: 401, known: true, textStart: 'the API server refused our credentials' },
    },
    {
      name: '503',
      err: apiException(503, 'etcd down'),
      want: { code: 503, known: true, textStart: 'the API server failed the request (503)' },
    },
    {
      name: 'an unknown HTTP status is not known',
      err: apiException(422, 'bad'),
      want: { code: 422, known: false, text: 'HTTP-Code: 422' },
    },
    {
      name: 'an unknown error keeps its message',
      err: new Error('boom'),
      want: { code: undefined, known: false, text: 'boom' },
    },
    {
      name: 'not an Error at all',
      err: 'just a string',
      want: { code: undefined, known: false, text: 'just a string' },
    },
  ])('$name', ({ err, want }) => {
    const got = apiErrorText(err);
    const { textStart, textEnd, ...exact } = want as typeof want & { textStart?: string; textEnd?: string };
    expect(got).toMatchObject(exact);
    if (textStart) expect(got.text.startsWith(textStart), got.text).toBe(true);
    if (textEnd) expect(got.text.endsWith(textEnd), got.text).toBe(true);
  });
});

describe('apiErrorFields: the stack only for errors nobody explained', () => {
  it.each([
    { name: 'known: no err', err: fetchError('ECONNREFUSED', 'connect ECONNREFUSED'), hasErr: false },
    { name: 'expected 409: no err', err: apiException(409, 'modified'), hasErr: false },
    { name: 'unknown: err kept', err: new Error('boom'), hasErr: true },
  ])('$name', ({ err, hasErr }) => {
    expect('err' in apiErrorFields(err)).toBe(hasErr);
  });
});
