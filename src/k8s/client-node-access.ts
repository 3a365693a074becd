import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { KeepAliveKubeConfig } from './keep-alive-kube-config.js';
import type { ApiAccess, Credentials } from './kube-api.js';

/**
 * Authentication applied by client-node is reused for a second: it decodes the kubeconfig's
 * certificates and builds an agent (which KeepAliveKubeConfig swaps for its pooled one) per call,
 * and in a burst of 1,000 status writes that showed in CPU profiles. A rotated token is still
 * picked up within a second.
 */
const AUTH_REUSE_MS = 1_000;

/**
 * The fallback for kubeconfigs our own loader does not read (auth-provider, impersonation, a
 * proxy): @kubernetes/client-node loads the file and applies its authentication, and our KubeApi
 * makes the calls. Only imported then (load-kube-api.ts): the library costs ~75 MiB of RSS.
 */
export function clientNodeAccess(file: string | undefined): ApiAccess {
  const kc = new KeepAliveKubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  const server = kc.getCurrentCluster()?.server?.replace(/\/+$/, '');
  if (!server) throw new Error('no current cluster in the kubeconfig');
  let cached: { at: number; creds: Promise<Credentials> } | undefined;
  return {
    server,
    credentials() {
      const now = Date.now();
      if (cached && now >= cached.at && now - cached.at < AUTH_REUSE_MS) return cached.creds;
      const creds = (async () => {
        const ctx = new RequestContext(server, HttpMethod.GET);
        await kc.applySecurityAuthentication(ctx);
        const agent = ctx.getAgent();
        if (!agent) throw new Error('client-node applied no agent');
        return { headers: ctx.getHeaders(), agent };
      })();
      const entry = { at: now, creds };
      // A failure is not remembered: the next call tries again.
      creds.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
      return creds;
    },
  };
}
