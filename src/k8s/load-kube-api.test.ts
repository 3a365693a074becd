import { describe, expect, it } from 'vitest';
import { kubeconfigFiles } from './load-kube-api.js';

describe('kubeconfigFiles', () => {
  const exists = (p: string) => ['/a', '/b', '/home/u/.kube/config'].includes(p);
  it.each([
    { name: '--kubeconfig wins', file: '/x', env: { KUBECONFIG: '/a' }, want: ['/x'] },
    {
      name: '$KUBECONFIG, files that exist, in order',
      file: undefined,
      env: { KUBECONFIG: '/b:/nope:/a' },
      want: ['/b', '/a'],
    },
    { name: '~/.kube/config', file: undefined, env: {}, want: ['/home/u/.kube/config'] },
    { name: 'in-cluster when nothing else', file: undefined, env: {}, home: '/root', want: [] },
  ])('$name', ({ file, env, home, want }) => {
    expect(kubeconfigFiles(file, env, exists, home ?? '/home/u')).toEqual(want);
  });
});
