import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { DEFAULT_READ_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './kube-api.js';
import { KubeConfigError, missingKubeconfig } from './kubeconfig-missing.js';

export { KubeConfigError, missingKubeconfig };

/** The TLS material an agent was built from; agents with equal keys can share connections. */
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * An idle kept-alive socket is closed by us before anything in between can close it under a
 * request that was just sent on it: the apiserver's idle timeout is 90 s, a load balancer in front
 * of it often 20 s. Node applies the agent timeout to sockets in the free list only; a slow
 * in-flight request is not cut.
 */
const IDLE_SOCKET_TIMEOUT_MS = 15_000;
/** Requests still running on an agent whose TLS material was replaced get this long to finish. */
const RETIRED_AGENT_GRACE_MS = 120_000;

function agentKey(agent: http.Agent): string {
  const options = (agent as http.Agent & { options?: Record<string, unknown> }).options ?? {};
  const h = createHash('sha256');
  h.update(agent instanceof https.Agent ? 'https' : 'http');
  for (const f of TLS_FIELDS) {
    const v = options[f];
    h.update(`\0${f}=`);
    if (v === undefined) continue;
    h.update(Buffer.isBuffer(v) ? v : String(v));
  }
  return h.digest('hex');
}

/**
 * A KubeConfig whose API clients reuse their connections.
 *
 * @kubernetes/client-node builds a new https.Agent for every request, so each API call opens a
 * new TCP connection and does a full TLS handshake, on both ends. At 1,000 Services that is
 * thousands of handshakes, a large share of a small apiserver's CPU. Here the client still
 * applies its authentication to each request (tokens, impersonation headers, certificates read
 * from files), and then the fresh agent is swapped for a kept-alive one built from the same TLS
 * material. If that material changes (a rotated client certificate), a new agent is built and
 * the old one is closed a little later, once its requests have finished. Proxy agents are left
 * as they are.
 */
export class KeepAliveKubeConfig extends KubeConfig {
  private pooled: { key: string; agent: http.Agent } | undefined;
  /**
   * API calls (watches go another way) are abandoned after these. A kept-alive connection to an
   * apiserver that vanished without a reset would otherwise hold a call for the kernel's TCP
   * retransmission timeout (many minutes), and with it a lease renewal loop.
   */
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  readTimeoutMs = DEFAULT_READ_TIMEOUT_MS;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    if (!context.getSignal()) context.setSignal(AbortSignal.timeout(this.timeoutFor(context)));
    const fresh = context.getAgent();
    // Exact classes only: subclasses are proxy agents (hpagent, socks) with their own logic.
    const ctor = fresh?.constructor;
    if (!fresh || (ctor !== https.Agent && ctor !== http.Agent)) return;
    const key = agentKey(fresh);
    if (this.pooled?.key !== key) {
      const old = this.pooled?.agent;
      if (old) setTimeout(() => old.destroy(), RETIRED_AGENT_GRACE_MS).unref();
      const options = {
        ...(fresh as http.Agent & { options?: object }).options,
        keepAlive: true,
        timeout: IDLE_SOCKET_TIMEOUT_MS,
      };
      const agent = ctor === https.Agent ? new https.Agent(options) : new http.Agent(options);
      this.pooled = { key, agent };
    }
    context.setAgent(this.pooled.agent);
  }

  private timeoutFor(context: RequestContext): number {
    const lease = context.getUrl().includes('/apis/coordination.k8s.io/');
    return context.getHttpMethod() !== 'GET' || lease ? this.requestTimeoutMs : this.readTimeoutMs;
  }
}

/** Loads a kubeconfig file, or the default chain (in-cluster, $KUBECONFIG, ~/.kube/config). */
export function loadKubeConfig(file: string | undefined): KeepAliveKubeConfig {
  const kc = new KeepAliveKubeConfig();
  if (file) kc.loadFromFile(file);
  else {
    const missing = missingKubeconfig(process.env, existsSync, homedir());
    if (missing) throw new KubeConfigError(missing);
    kc.loadFromDefault();
  }
  return kc;
}
