/**
 * npm run bench:arp — ARP reply latency of the speaker and the request rate it answers without
 * loss, measured from the lab's client namespace with arping (one request per interval, each
 * reply timed by arping). Target: p99 under 1 ms at 1,000 requests/s.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../src/lab/lab.js';
import { waitForIps } from '../test/support/services.js';
import { quantile } from './lab-bench-util.js';

const lab = await Lab.start({
  nodes: 1,
  stateDir: join(tmpdir(), `barelb-bench-arp-${process.pid}`),
  dieWithParent: true,
});
try {
  const [ip = ''] = await waitForIps(lab, 'demo');
  const run = async (rate: number, count: number) => {
    const r = await lab.exec(
      'client',
      ['arping', '-c', String(count), '-W', String(1 / rate), '-I', 'eth0', ip],
      {
        check: false,
        timeoutMs: 120_000,
      },
    );
    const times = [...r.stdout.matchAll(/time=([\d.]+) (usec|msec|sec)/g)].map(([, v, unit]) => {
      const n = Number(v);
      return unit === 'usec' ? n / 1000 : unit === 'msec' ? n : n * 1000;
    });
    return {
      rate,
      sent: count,
      received: times.length,
      p50: quantile(times, 0.5),
      p99: quantile(times, 0.99),
      max: quantile(times, 1),
    };
  };
  await run(100, 100); // warm-up
  console.log('rate/s   sent  answered  p50 ms  p99 ms  max ms');
  let best = 0;
  for (const rate of [1000, 2000, 5000, 10000]) {
    const r = await run(rate, Math.min(rate * 5, 20000));
    console.log(
      `${String(rate).padStart(6)} ${String(r.sent).padStart(6)} ${String(r.received).padStart(9)}  ${r.p50.toFixed(3).padStart(6)}  ${r.p99.toFixed(3).padStart(6)}  ${r.max.toFixed(3).padStart(6)}`,
    );
    if (r.received === r.sent) best = rate;
  }
  console.log(
    `highest rate tried with every request answered: ${best}/s (arping's own pacing limits the top rates)`,
  );
} finally {
  await lab.stop();
}
