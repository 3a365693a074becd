import { describe, expect, it } from 'vitest';
import { cliInvocation } from './invocation.js';

describe('cliInvocation', () => {
  it.each<{ name: string; env: Record<string, string | undefined>; want: string }>([
    {
      name: 'npm run barelb from a checkout',
      env: { npm_lifecycle_event: 'barelb' },
      want: 'npm run barelb --',
    },
    { name: 'installed with npm i -g', env: {}, want: 'barelb' },
    { name: 'npx barelb (no lifecycle script)', env: { npm_lifecycle_event: 'npx' }, want: 'barelb' },
    {
      name: 'another npm script that runs barelb',
      env: { npm_lifecycle_event: 'bench:failover' },
      want: 'barelb',
    },
  ])('$name', ({ env, want }) => {
    expect(cliInvocation(env)).toBe(want);
  });
});
