import { describe, expect, it } from 'vitest';
import { binariesScriptEnv } from './binaries.js';

describe('binariesScriptEnv', () => {
  it.each([
    {
      name: 'no version asked: the environment as it is',
      env: { PATH: '/bin' },
      version: undefined,
      want: { PATH: '/bin' },
    },
    {
      name: 'a version asked',
      env: { PATH: '/bin' },
      version: '1.33',
      want: { PATH: '/bin', BARELB_K8S_VERSION: '1.33' },
    },
    {
      name: 'the option wins over the environment',
      env: { BARELB_K8S_VERSION: '1.37' },
      version: '1.33',
      want: { BARELB_K8S_VERSION: '1.33' },
    },
    {
      name: 'the environment stays when no option',
      env: { BARELB_K8S_VERSION: '1.33' },
      version: undefined,
      want: { BARELB_K8S_VERSION: '1.33' },
    },
  ])('$name', ({ env, version, want }) => {
    expect(binariesScriptEnv(env, version)).toEqual(want);
  });
});
