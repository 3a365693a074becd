import type { KubeConfig } from '@kubernetes/client-node';

/**
 * Points `kc` at a plain-HTTP server (a unit test's loopback stand-in for the apiserver), with a
 * bearer token when given. TLS verification is off because there is no TLS: client-node only
 * accepts an http:// server with skipTLSVerify.
 */
export function pointAtLoopback<T extends KubeConfig>(kc: T, server: string, token?: string): T {
  kc.loadFromOptions({
    clusters: [{ name: 'loopback', server, skipTLSVerify: true }],
    users: [{ name: 'test', ...(token ? { token } : {}) }],
    contexts: [{ name: 'test', cluster: 'loopback', user: 'test' }],
    currentContext: 'test',
  });
  return kc;
}
