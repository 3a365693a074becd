import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a kubeconfig with the certificates embedded, so the file works when copied elsewhere and no
 * relative path can break.
 */
export async function writeKubeconfig(
  file: string,
  server: string,
  certDir: string,
  identity: string,
  /** Act as this user (impersonation): BareLB's components run with exactly their ServiceAccounts' rights. */
  impersonate?: string,
): Promise<void> {
  const b64 = async (f: string) => (await readFile(join(certDir, f))).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'barelb-lab', cluster: { server, 'certificate-authority-data': await b64('ca.crt') } },
    ],
    users: [
      {
        name: identity,
        user: {
          'client-certificate-data': await b64(`${identity}.crt`),
          'client-key-data': await b64(`${identity}.key`),
          ...(impersonate ? { as: impersonate } : {}),
        },
      },
    ],
    contexts: [{ name: 'barelb-lab', context: { cluster: 'barelb-lab', user: identity } }],
    'current-context': 'barelb-lab',
  };
  // JSON, which every kubeconfig reader takes (YAML includes it): BareLB's processes then read it
  // without loading a YAML parser, as in a cluster, where they read no kubeconfig at all (issue 14).
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
