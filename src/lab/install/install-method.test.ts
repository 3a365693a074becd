import { describe, expect, it } from 'vitest';
import { installMethodFrom } from './install-method.js';

describe('installMethodFrom', () => {
  it.each([
    [{}, 'kustomize'],
    [{ BARELB_LAB_INSTALL: '' }, 'kustomize'],
    [{ BARELB_LAB_INSTALL: 'kustomize' }, 'kustomize'],
    [{ BARELB_LAB_INSTALL: 'helm' }, 'helm'],
  ])('%j → %s', (env, want) => {
    expect(installMethodFrom(env)).toBe(want);
  });

  it('refuses a method it does not know, naming the choices', () => {
    expect(() => installMethodFrom({ BARELB_LAB_INSTALL: 'Helm' })).toThrow(/expected kustomize or helm/);
  });
});
