/**
 * A kubeconfig file's text as data. YAML includes JSON, and a JSON kubeconfig (as the lab writes, and
 * as `kubectl config view -o json` prints) is read with JSON.parse: the YAML parser is loaded only for
 * real YAML. Loading it costs about 44 ms and 10.9 MiB of RSS (3.5 anonymous) in a Node 24 process
 * (issue 14); an in-cluster speaker reads no kubeconfig and never pays it.
 */
export async function parseKubeconfigText(text: string): Promise<unknown> {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // YAML flow style that is not JSON (unquoted keys, say): the YAML parser reads it.
    }
  }
  const { parse } = await import('yaml');
  return parse(text) as unknown;
}
