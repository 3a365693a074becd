/** No kubeconfig anywhere: said plainly, instead of client-node's complaint about its localhost fallback. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  readonly code = 'NO_KUBECONFIG';
}

/**
 * Why the default chain found no configuration, or undefined when it found one. client-node falls
 * back to http://localhost:8080 when nothing is there, which then fails with "HTTP protocol is not
 * allowed when skipTLSVerify is not set or false": no help to someone who forgot --kubeconfig.
 */
export function missingKubeconfig(
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string) => boolean,
  home: string,
): string | undefined {
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return undefined;
  const listed = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  if (listed.some(exists)) return undefined;
  if (listed.length === 0 && exists(`${home}/.kube/config`)) return undefined;
  const where = listed.length > 0 ? `$KUBECONFIG (${listed.join(', ')}) names no file` : 'no ~/.kube/config';
  return `no kubeconfig: not running in a cluster, ${where}; pass --kubeconfig FILE or set KUBECONFIG`;
}
