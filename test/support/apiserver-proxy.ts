import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { parse } from 'yaml';

/** The client-certificate kubeconfig the lab writes for its admin. */
function adminTls(kubeconfig: string) {
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const c = doc.clusters[0]?.cluster;
  const u = doc.users[0]?.user;
  if (!c || !u) throw new Error(`${kubeconfig}: no cluster or user`);
  return {
    server: new URL(c.server),
    ca: b(c['certificate-authority-data']),
    cert: b(u['client-certificate-data']),
    key: b(u['client-key-data']),
  };
}

export type ProxyMode =
  /** Forward everything. */
  | 'pass'
  /** Refuse every request (the connection is reset): an apiserver that cannot be reached. */
  | 'down'
  /** Forward, but hold watches open with no byte sent: a connection that died without a reset. */
  | 'blackhole';

/**
 * A plain-HTTP stand-in address for the lab's real apiserver, so an integration test can break the
 * path to it the way networks do while every answer still comes from the real apiserver. It
 * authenticates upstream as the lab admin. Records the watch requests it saw.
 */
export async function startApiserverProxy(kubeconfig: string) {
  const tls = adminTls(kubeconfig);
  const agent = new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, keepAlive: true });
  const sockets = new Set<Socket>();
  const watches: string[] = [];
  const lists: string[] = [];
  const listQueries: string[] = [];
  let mode: ProxyMode = 'pass';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const watch = url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true';
    if (mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (req.method === 'GET' && !watch) {
      lists.push(url.pathname);
      listQueries.push(url.search);
    }
    if (watch) {
      watches.push(url.search);
      if (mode === 'blackhole') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        return;
      }
    }
    const up = https.request(
      {
        host: tls.server.hostname,
        port: tls.server.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...req.headers, host: tls.server.host },
        agent,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => req.socket.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    watches,
    /** Paths of the plain GETs (lists and reads) it forwarded. */
    lists,
    /** Their queries, in the same order. */
    listQueries,
    setMode(m: ProxyMode) {
      mode = m;
    },
    /** Resets every open connection (watches among them). */
    cut() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
