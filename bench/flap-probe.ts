// Runs inside the lab's client namespace as one process (so its timing is the lab's, not the CLI's):
// `node --import tsx flap-probe.ts <url> <seconds> <intervalMs>`. One GET every interval, each with
// an 800 ms timeout; prints one JSON line at the end: how many requests, which failed (with the time
// since start), and every change of the source address the pod saw (kube-proxy SNATs Cluster traffic
// to an address of the node that let the request in; the bench maps addresses to nodes).
import { get } from 'node:http';

const [url = '', seconds = '60', interval = '100'] = process.argv.slice(2);
const start = performance.now();
const failures: number[] = [];
const changes: { atMs: number; from: string; to: string }[] = [];
let requests = 0;
let last: string | undefined;

const once = () =>
  new Promise<string | undefined>((resolve) => {
    const req = get(url, { timeout: 800 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { client?: string }).client : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });

const end = start + Number(seconds) * 1000;
while (performance.now() < end) {
  const t = performance.now();
  requests++;
  const client = await once();
  const at = Math.round(t - start);
  if (client === undefined) failures.push(at);
  else {
    if (last !== undefined && client !== last) changes.push({ atMs: at, from: last, to: client });
    last = client;
  }
  const wait = Number(interval) - (performance.now() - t);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
process.stdout.write(`${JSON.stringify({ requests, failures, changes, last })}\n`);
