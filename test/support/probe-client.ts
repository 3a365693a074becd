/**
 * Runs inside the lab's client namespace as one process (started by LabProbe): GETs every IP on a
 * fixed cadence and prints one JSON line per probe, stamped with this process's monotonic clock, so
 * failover times are measured where the traffic is, not across several `lab exec` calls.
 * stdin: `mark <label>` echoes {t, mark} (to place an event on the same clock); `quit` exits.
 * Argument: JSON { ips, intervalMs, timeoutMs }.
 */
import { request } from 'node:http';
import { createInterface } from 'node:readline';

interface Config {
  readonly ips: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** One GET; ok only with a 200 and a podserver reply within the timeout. */
function probe(ip: string): void {
  const t = performance.now();
  let done = false;
  const finish = (ok: boolean, extra: object) => {
    if (done) return;
    done = true;
    out({ t, ip, ok, ms: Math.round(performance.now() - t), ...extra });
  };
  const req = request({ host: ip, port: 80, path: '/', agent: false, timeout: config.timeoutMs }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      body += c;
    });
    res.on('end', () => {
      try {
        const reply = JSON.parse(body) as { node?: string };
        finish(res.statusCode === 200, { node: reply.node });
      } catch {
        finish(false, { err: `bad reply ${res.statusCode}` });
      }
    });
  });
  req.on('timeout', () => {
    finish(false, { err: 'timeout' });
    req.destroy();
  });
  req.on('error', (err) => finish(false, { err: err.message }));
  req.end();
}

// A fixed cadence, whatever earlier probes are doing: a probe stuck on a dead MAC must not slow the
// others down, or the gaps would measure the timeout instead of the failover.
const started = performance.now();
let tick = 0;
const loop = () => {
  for (const ip of config.ips) probe(ip);
  tick++;
  setTimeout(loop, Math.max(0, started + tick * config.intervalMs - performance.now()));
};
loop();

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line === 'quit') process.exit(0);
    const m = /^mark (.+)$/.exec(line);
    if (m) out({ t: performance.now(), mark: m[1] });
  })
  // The test runner is gone: so is the reason to probe.
  .on('close', () => process.exit(0));
