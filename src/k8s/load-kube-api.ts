import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { type ApiAccess, KubeApi } from './kube-api.js';
import { ConfigCredentials } from './kube-credentials.js';
import { KubeConfigError, missingKubeconfig } from './kubeconfig-missing.js';
import {
  type AccessConfig,
  inClusterAccess,
  type KubeconfigDoc,
  resolveKubeconfig,
} from './kubeconfig-resolve.js';
import { parseKubeconfigText } from './kubeconfig-text.js';

/** Which kubeconfig files the default chain reads, in kubectl's order; [] means in-cluster. */
export function kubeconfigFiles(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string) => boolean,
  home: string,
): string[] {
  if (file) return [file];
  const listed = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  if (listed.length > 0) return listed.filter(exists);
  const own = `${home}/.kube/config`;
  return exists(own) ? [own] : [];
}

/**
 * The API client of `barelb speaker` and `barelb controller`: a kubeconfig file (--kubeconfig),
 * else $KUBECONFIG, else ~/.kube/config, else the in-cluster service account. Read by our own
 * loader, so @kubernetes/client-node is never loaded; a kubeconfig it cannot read (auth-provider,
 * impersonation, proxy-url) falls back to client-node, with a log line saying so.
 */
export async function loadKubeApi(file: string | undefined, log: Logger): Promise<KubeApi> {
  if (!file) {
    const missing = missingKubeconfig(process.env, existsSync, homedir());
    if (missing) throw new KubeConfigError(missing);
  }
  const files = kubeconfigFiles(file, process.env, existsSync, homedir());
  let access: AccessConfig | undefined;
  if (files.length === 0) access = inClusterAccess(process.env);
  else {
    const docs: KubeconfigDoc[] = [];
    for (const f of files)
      docs.push({ dir: dirname(f), doc: await parseKubeconfigText(await readFile(f, 'utf8')) });
    const r = resolveKubeconfig(docs);
    if (r.ok) access = r.access;
    else if (r.unsupported) {
      log.info(
        { event: 'kubeconfig_fallback', feature: r.reason },
        `the kubeconfig uses ${r.reason}, which BareLB's own loader does not read: loading @kubernetes/client-node for it (about 75 MiB more memory)`,
      );
      const { clientNodeAccess } = await import('./client-node-access.js');
      return new KubeApi(clientNodeAccess(file));
    } else throw new KubeConfigError(`${files.join(':')}: ${r.reason}`);
  }
  if (!access) throw new KubeConfigError('no kubeconfig and no in-cluster service account');
  const source: ApiAccess = new ConfigCredentials(access);
  return new KubeApi(source);
}
