import { KubeApi } from './kube-api.js';
import { ConfigCredentials } from './kube-credentials.js';

/** A KubeApi for a plain-HTTP server: a unit test's loopback stand-in for the apiserver. */
export function loopbackApi(server: string, token?: string): KubeApi {
  return new KubeApi(
    new ConfigCredentials({
      server: server.replace(/\/+$/, ''),
      insecure: true,
      auth: token ? { kind: 'token', token } : { kind: 'none' },
    }),
  );
}
