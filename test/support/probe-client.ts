/**
 * Runs inside the lab's client namespace as one process (started by LabProbe): on a fixed cadence,
 * GETs every IP and asks ARP who has it, and prints one JSON line per GET and per ARP reply,
 * stamped with this process's monotonic clock, so failover times are measured where the traffic
 * is, not across several `lab exec` calls. ARP shows what HTTP cannot: a node that stopped
 * answering for an IP while clients' caches still send it traffic.
 * stdin: `mark <label>` echoes {t, mark} (to place an event on the same clock); `quit` exits.
 * Argument: JSON { ips, intervalMs, timeoutMs, clientIp, ifname, maxMs }. It stops on its own after
 * maxMs, or when its stdin closes (the caller is gone): a forgotten probe never runs for long.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { buildArpFrame, decodeArp } from '../../src/layer2/arp.js';
import {
  BROADCAST_MAC,
  decodeEthernet,
  ETHERTYPE_ARP,
  formatMac,
  parseMac,
  ZERO_MAC,
} from '../../src/layer2/ethernet.js';
import { openFrameConnection } from '../../src/layer2/frame-socket.js';
import { formatAddress, parseAddress } from '../../src/net/address.js';

interface Config {
  readonly ips: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly clientIp: string;
  readonly ifname: string;
  readonly maxMs: number;
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
    out({ t, ip, kind: 'http', ok, ms: Math.round(performance.now() - t), ...extra });
  };
  const req = request({ host: ip, port: 80, path: '/', agent: false, timeout: config.timeoutMs }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      body += c;
    });
    res.on('end', () => {
      try {
        // `client`: the source address the pod saw (the entry node's, where kube-proxy SNATs).
        const reply = JSON.parse(body) as { node?: string; client?: string };
        finish(res.statusCode === 200, { node: reply.node, client: reply.client });
      } catch {
        finish(false, { err: `bad reply ${res.statusCode}` });
      }
    });
  });
  req.on('timeout', () => {
    // After a stall of this process (a busy machine), the timer phase runs before the reply that
    // arrived meanwhile is read: look once more, after pending I/O, before calling it a failure.
    setImmediate(() => {
      finish(false, { err: 'timeout' });
      req.destroy();
    });
  });
  req.on('error', (err) => finish(false, { err: err.message }));
  req.end();
}

const ownMac = parseMac(readFileSync(`/sys/class/net/${config.ifname}/address`, 'utf8').trim());
const clientAddress = parseAddress(config.clientIp);
if (!ownMac || !clientAddress) throw new Error(`no MAC or address for ${config.ifname}`);
const arp = openFrameConnection(config.ifname);
const wanted = new Set(config.ips);
arp.onFrame((frame) => {
  const eth = decodeEthernet(frame);
  if (!eth.ok || eth.frame.ethertype !== ETHERTYPE_ARP) return;
  const d = decodeArp(eth.frame.payload);
  if (!d.ok || d.packet.op !== 'reply') return;
  const ip = formatAddress(d.packet.senderIp);
  if (wanted.has(ip))
    out({ t: performance.now(), ip, kind: 'arp', ok: true, ms: 0, mac: formatMac(d.packet.senderMac) });
});
const requests = config.ips.map((ip) => {
  const target = parseAddress(ip);
  if (!target) throw new Error(`bad IP ${ip}`);
  return buildArpFrame(
    { op: 'request', senderMac: ownMac, senderIp: clientAddress, targetMac: ZERO_MAC, targetIp: target },
    BROADCAST_MAC,
  );
});

// A fixed cadence, whatever earlier probes are doing: a probe stuck on a dead MAC must not slow the
// others down, or the gaps would measure the timeout instead of the failover.
const started = performance.now();
let tick = 0;
const loop = () => {
  // Each round of asking is recorded: a silence counts only while the probe was asking (a stall of
  // this process is not a node's failure to answer).
  out({ t: performance.now(), tick });
  for (const ip of config.ips) probe(ip);
  for (const frame of requests) arp.send(frame);
  tick++;
  if (performance.now() - started >= config.maxMs) process.exit(0);
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
