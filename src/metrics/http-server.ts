import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { http } from '../runtime/required-builtins.js';

export interface HealthChecks {
  /** Liveness: the process can make progress. */
  healthy(): boolean;
  /** Readiness: caches synced and watches running; a reason when not. */
  ready(): { ok: true } | { ok: false; reason: string };
}

/**
 * Serves `/metrics` (Prometheus text), `/healthz` and `/readyz` on one address, as the Deployment's
 * probes and a ServiceMonitor expect.
 */
export function startHttpServer(
  addr: string,
  registry: Registry,
  checks: HealthChecks,
  log: Logger,
): Promise<Server> {
  const { host, port } = parseListen(addr);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(body);
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
      return;
    }
    if (path === '/healthz' || path === '/livez') {
      const ok = checks.healthy();
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'unhealthy\n');
      return;
    }
    if (path === '/readyz') {
      const r = checks.ready();
      res.writeHead(r.ok ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(r.ok ? 'ok\n' : `not ready: ${r.reason}\n`);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      log.info({ event: 'http_listening', addr }, 'serving /metrics, /healthz, /readyz');
      resolve(server);
    });
  });
}

/** `:7472`, `0.0.0.0:7472`, `[::1]:7472` → host and port. */
export function parseListen(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`bad listen address "${addr}", want host:port or :port`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port: Number(m[3]) };
}
