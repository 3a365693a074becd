import { describe, expect, it } from 'vitest';
import { parseKubeconfigText } from './kubeconfig-text.js';

describe('parseKubeconfigText', () => {
  const want = { apiVersion: 'v1', kind: 'Config', 'current-context': 'lab' };
  it.each([
    ['JSON', '{"apiVersion": "v1", "kind": "Config", "current-context": "lab"}'],
    ['JSON after blank lines', '\n\n  {"apiVersion":"v1","kind":"Config","current-context":"lab"}\n'],
    ['YAML', 'apiVersion: v1\nkind: Config\ncurrent-context: lab\n'],
    ['YAML flow style that is not JSON', '{apiVersion: v1, kind: Config, current-context: lab}'],
  ])('%s', async (_name, text) => {
    expect(await parseKubeconfigText(text)).toEqual(want);
  });
});
