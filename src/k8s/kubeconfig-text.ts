/**
 * A kubeconfig file's text as data. YAML includes JSON, and a JSON kubeconfig (as the lab writes, and
 * as `kubectl config view -o json` prints) is read with JSON.parse: the YAML parser is loaded only for
 * real YAML. Its import takes about 44 ms; alone in a Node 24 process it adds 10.9 MiB of RSS, but in
 * BareLB's processes, which share most of what it touches, reading JSON saved 1-1.5 MiB (bench:vs-metallb,
 * issue 14). An in-cluster speaker reads no kubeconfig and never loads it.
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
