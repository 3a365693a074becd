import { describe, expect, it } from 'vitest';
import { reconcileFailureLog } from './reconcile-failure-log.js';

const conflict = Object.assign(new Error('HTTP-Code: 409\nMessage: the object has been modified'), {
  code: 409,
});
const refused = Object.assign(
  new Error(
    'request to https://198.18.0.2:6443/api/v1/namespaces/default/services/web/status failed, reason: connect ECONNREFUSED',
  ),
  { name: 'FetchError', code: 'ECONNREFUSED' },
);

describe('reconcileFailureLog: how a failed reconcile is logged', () => {
  it.each([
    {
      name: '409 on a status write (first boot): debug, no stack',
      err: conflict,
      level: 'debug',
      hasErr: false,
      msg: 'default/web: the object changed since the decision was made (409 Conflict); retrying on its newer version',
    },
    {
      name: 'API server unreachable: warn in plain words, no stack',
      err: refused,
      level: 'warn',
      hasErr: false,
      msg: 'reconcile of default/web failed; will retry: cannot reach the API server at https://198.18.0.2:6443: connection refused: is the API server running, and is the address in the kubeconfig right?',
    },
    {
      name: 'an error nobody explained: warn with the stack',
      err: new TypeError('x is undefined'),
      level: 'warn',
      hasErr: true,
      msg: 'reconcile of default/web failed; will retry: x is undefined',
    },
  ])('$name', ({ err, level, hasErr, msg }) => {
    const line = reconcileFailureLog('default/web', err, 2);
    expect(line.level).toBe(level);
    expect(line.msg).toBe(msg);
    expect('err' in line.fields).toBe(hasErr);
    expect(line.fields).toMatchObject({ event: 'reconcile_failed', key: 'default/web', retries: 2 });
  });
});
