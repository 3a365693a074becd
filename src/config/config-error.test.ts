import { describe, expect, it } from 'vitest';
import { ConfigErrorReason, errorsOf, formatConfigError, isWarning } from './config-error.js';
import type { ConfigError } from './types.js';

const e = (over: Partial<ConfigError>): ConfigError => ({
  kind: 'IPAddressPool',
  name: 'lan',
  path: 'spec.addresses[2]',
  message: 'range start after end',
  reason: ConfigErrorReason.BadAddress,
  ...over,
});

describe('formatConfigError', () => {
  it.each([
    [e({}), 'pool "lan": spec.addresses[2]: range start after end'],
    [
      e({
        kind: 'L2Advertisement',
        name: 'x',
        path: 'spec.ipAddressPools[0]',
        message: 'IPAddressPool "y" does not exist',
      }),
      'l2advertisement "x": spec.ipAddressPools[0]: IPAddressPool "y" does not exist',
    ],
    [e({ path: '', message: 'want an object, got null', name: '' }), 'pool "": want an object, got null'],
  ])('%#', (err, want) => {
    expect(formatConfigError(err)).toBe(want);
  });
});

describe('isWarning', () => {
  it.each(Object.values(ConfigErrorReason))('%s', (reason) => {
    expect(isWarning(e({ reason }))).toBe(reason === 'UnknownPool' || reason === 'UnknownPeer');
  });
});

describe('errorsOf', () => {
  it('picks the errors of one object by kind and name', () => {
    const errors = [e({}), e({ name: 'dmz' }), e({ kind: 'L2Advertisement' }), e({ path: 'spec' })];
    expect(errorsOf(errors, 'IPAddressPool', 'lan')).toEqual([errors[0], errors[3]]);
  });
});
