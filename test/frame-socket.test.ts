import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/lab/cluster/binaries.js';
import { run, runIn } from '../src/lab/cluster/command.js';
import { eventually } from './support/test-lab.js';

// The AF_PACKET addon and FrameConnection against the real kernel, without a lab: two network
// namespaces joined by a veth pair. The responder (test/support/frame-responder.ts) runs in one and
// answers ARP for VIP; the other plays the client with arping, its own kernel's neighbour resolution,
// UDP and IPv6. Addresses come from 198.18.0.0/15; nothing is routed anywhere.
const PREFIX = 'blbft-';
const NS_R = `${PREFIX}${process.pid}-r`;
const NS_C = `${PREFIX}${process.pid}-c`;
const IF_R = 'veth-r';
const IF_C = 'veth-c';
const R_IP = '198.19.251.1';
const C_IP = '198.19.251.2';
const VIP = '198.19.251.100';
const RESPONDER = join(REPO_ROOT, 'test', 'support', 'frame-responder.ts');

interface Stats {
  arpRequests: number;
  arpForUs: number;
  arpOther: number;
  ns: number;
  na: number;
  other: number;
  fromUs: number;
  replies: number;
}
type Report = { event: string; [k: string]: unknown };

/** A responder child process and the JSON lines it has printed. */
class Responder {
  readonly reports: Report[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        this.reports.push(JSON.parse(line) as Report);
      } catch {
        this.stderr.push(line);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => this.stderr.push(d));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  static start(args: readonly string[], wrap: readonly string[] = []): Responder {
    const [cmd = 'node', ...rest] = [...wrap, 'node', '--import', 'tsx', RESPONDER, ...args];
    return new Responder(spawn(cmd, rest, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  async next(pred: (r: Report) => boolean, what: string, timeoutMs = 20_000): Promise<Report> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.reports.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`responder: no ${what}; stderr: ${this.stderr.join('')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a command and waits for its acknowledgement. */
  async command(line: string): Promise<Report> {
    const seen = this.reports.length;
    this.child.stdin.write(`${line}\n`);
    return this.next((r) => this.reports.indexOf(r) >= seen && r.cmd === line.split(' ')[0], line);
  }

  async stats(): Promise<Stats> {
    return (await this.command('stats')).stats as Stats;
  }

  stop(): void {
    this.child.stdin.end();
    setTimeout(() => this.child.kill('SIGKILL'), 2_000).unref();
  }
}

/** Removes namespaces of earlier runs whose test process is gone (a killed runner skips afterAll). */
async function sweepStale(): Promise<void> {
  const list = await run('ip', ['netns', 'list'], { check: false });
  for (const line of list.stdout.split('\n')) {
    const m = /^(blbft-(\d+)-\w+)/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    let alive = true;
    try {
      process.kill(Number(m[2]), 0);
    } catch {
      alive = false;
    }
    if (!alive) await run('ip', ['netns', 'del', m[1]], { check: false });
  }
}

const rxPackets = async (ns: string, ifname: string) =>
  Number((await runIn(ns, 'cat', [`/sys/class/net/${ifname}/statistics/rx_packets`])).stdout.trim());

/** Sends `count` UDP datagrams from the client namespace to host:port. */
const udpFromClient = (host: string, count: number) =>
  runIn(NS_C, 'node', [
    '-e',
    `const s=require('node:dgram').createSocket('udp4');let n=0;const f=()=>s.send(Buffer.alloc(64),9,'${host}',()=>{if(++n<${count})f();else s.close();});f();`,
  ]);

describe('frame socket (AF_PACKET) against the kernel', () => {
  let responder: Responder | undefined;
  let mac = '';

  beforeAll(async () => {
    await sweepStale();
    await run('ip', ['netns', 'add', NS_R]);
    await run('ip', ['netns', 'add', NS_C]);
    await run('ip', ['-n', NS_R, 'link', 'add', IF_R, 'type', 'veth', 'peer', 'name', IF_C, 'netns', NS_C]);
    for (const [ns, ifname, addr] of [
      [NS_R, IF_R, R_IP],
      [NS_C, IF_C, C_IP],
    ] as const) {
      await run('ip', ['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', ifname]);
      await run('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    responder = Responder.start([IF_R, VIP], ['ip', 'netns', 'exec', NS_R]);
    const ready = await responder.next((r) => r.event === 'ready' || r.event === 'open-failed', 'ready');
    expect(ready).toMatchObject({ event: 'ready', up: true, ethernet: true });
    mac = String(ready.mac);
    expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  }, 60_000);

  afterAll(async () => {
    responder?.stop();
    await responder?.exited;
    await run('ip', ['netns', 'del', NS_R], { check: false });
    await run('ip', ['netns', 'del', NS_C], { check: false });
  });

  it('arping from the other namespace gets one reply, from our MAC', async () => {
    const r = await runIn(NS_C, 'arping', ['-c', '1', '-w', '3', '-i', IF_C, VIP], { check: false });
    const replies = [...r.stdout.matchAll(/bytes from ([0-9a-f:]{17}) \(([\d.]+)\)/g)];
    expect(replies.map((m) => [m[1], m[2]])).toEqual([[mac, VIP]]);
    expect(r.code).toBe(0);
    const s = await responder?.stats();
    expect(s?.arpForUs).toBeGreaterThanOrEqual(1);
    expect(s?.replies).toBe(s?.arpForUs);
  });

  it('the client kernel resolves the IP to our MAC (ip neigh), and its UDP never reaches onFrame', async () => {
    const before = await responder?.stats();
    const rx0 = await rxPackets(NS_R, IF_R);
    await udpFromClient(VIP, 20); // resolves VIP first, then 20 frames to our MAC
    await udpFromClient(R_IP, 20); // 20 more to the responder's host address
    const neigh = await eventually('a neighbour entry for the VIP', async () => {
      const r = await runIn(NS_C, 'ip', ['neigh', 'show', VIP, 'dev', IF_C]);
      return /lladdr ([0-9a-f:]{17})/.exec(r.stdout)?.[1];
    });
    expect(neigh).toBe(mac);
    // The frames did arrive at the interface; the kernel filter kept them away from us.
    await eventually('40 frames received', async () =>
      (await rxPackets(NS_R, IF_R)) - rx0 >= 40 ? true : undefined,
    );
    const after = await responder?.stats();
    expect(after?.other).toBe(0);
    expect(after?.arpForUs).toBeGreaterThan(before?.arpForUs ?? 0);
  });

  it('never delivers our own transmissions', async () => {
    const s = await responder?.stats();
    expect(s?.replies).toBeGreaterThan(0);
    expect(s?.fromUs).toBe(0);
  });

  it('delivers ICMPv6 Neighbor Solicitations', async () => {
    await eventually('the client link-local to leave DAD', async () => {
      const r = await runIn(NS_C, 'ip', ['-6', 'addr', 'show', 'dev', IF_C, 'scope', 'link']);
      return r.stdout.includes('fe80::') && !r.stdout.includes('tentative') ? true : undefined;
    });
    const before = (await responder?.stats())?.ns ?? 0;
    // Resolving an on-link address makes the client kernel multicast an NS.
    await runIn(NS_C, 'ping', ['-6', '-c', '1', '-W', '2', `fe80::64%${IF_C}`], { check: false });
    await eventually('an NS at the responder', async () =>
      ((await responder?.stats())?.ns ?? 0) > before ? true : undefined,
    );
    expect((await responder?.stats())?.other).toBe(0);
  });

  it('joins and leaves a solicited-node multicast group (ip maddr)', async () => {
    const group = '33:33:ff:00:00:64';
    const maddr = async () => (await runIn(NS_R, 'ip', ['maddr', 'show', 'dev', IF_R])).stdout;
    expect(await maddr()).not.toContain(group);
    expect(await responder?.command(`join ${group}`)).toMatchObject({ event: 'ok' });
    expect(await maddr()).toContain(group);
    expect(await responder?.command(`leave ${group}`)).toMatchObject({ event: 'ok' });
    expect(await maddr()).not.toContain(group);
    expect(await responder?.command('join 33:33:ff')).toMatchObject({ event: 'failed', name: 'TypeError' });
  });

  it('keeps receiving after the link goes down and up, and reports ENETDOWN meanwhile', async () => {
    await run('ip', ['-n', NS_R, 'link', 'set', IF_R, 'down']);
    await responder?.next((r) => r.event === 'error' && r.code === 'ENETDOWN', 'ENETDOWN');
    await run('ip', ['-n', NS_R, 'link', 'set', IF_R, 'up']);
    const answered = await eventually('an arping reply after the flap', async () => {
      const r = await runIn(NS_C, 'arping', ['-c', '1', '-w', '2', '-i', IF_C, VIP], { check: false });
      return /bytes from ([0-9a-f:]{17})/.exec(r.stdout)?.[1];
    });
    expect(answered).toBe(mac);
  });

  it('ignores frames that arrived with a VLAN tag (they belong to a VLAN device, not this one)', async () => {
    // The kernel strips an 802.1Q tag before packet sockets see a frame (skb_vlan_untag, or the NIC
    // with VLAN offload), so on eth0 an ARP request of eth0.100 looks untagged (issue 12, finding 8).
    // This machine's kernel has no 8021q module for VLAN devices, so the client sends the tagged
    // frame raw; the untagging happens in the core receive path all the same.
    const arpRequest = async (vlan: number | undefined) => {
      const py = `import socket,sys
vid=${vlan ?? -1}
s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW); s.bind(('${IF_C}',0))
src=s.getsockname()[4]
tag=bytes([0x81,0,(vid>>8)&0x0f,vid&0xff]) if vid>=0 else b''
arp=bytes([0,1,8,0,6,4,0,1])+src+socket.inet_aton('${C_IP}')+bytes(6)+socket.inet_aton('${VIP}')
f=bytes([255]*6)+src+tag+b'\x08\x06'+arp
s.send(f+bytes(max(0,60-len(f))))`;
      await runIn(NS_C, 'python3', ['-c', py]);
    };
    const requests = async () => (await responder?.stats())?.arpRequests ?? 0;

    const untagged0 = await requests();
    await arpRequest(undefined); // the control: the same request untagged is seen
    await eventually('the untagged request seen', async () =>
      (await requests()) > untagged0 ? true : undefined,
    );

    const tagged0 = await requests();
    const rx0 = await rxPackets(NS_R, IF_R);
    for (let i = 0; i < 3; i++) await arpRequest(100);
    await eventually('3 tagged frames at the interface', async () =>
      (await rxPackets(NS_R, IF_R)) - rx0 >= 3 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 300)); // the reader thread had time to hand them over
    expect(await requests()).toBe(tagged0);
  });

  it('closes cleanly: nothing more is answered, calls fail with EBADF, no handle keeps the process alive', async () => {
    expect(await responder?.command('close')).toMatchObject({ event: 'ok' });
    const r = await runIn(NS_C, 'arping', ['-c', '1', '-w', '2', '-i', IF_C, VIP], { check: false });
    expect(r.stdout).not.toMatch(/bytes from/);
    expect(await responder?.command(`join 33:33:ff:00:00:64`)).toMatchObject({
      event: 'failed',
      code: 'EBADF',
    });
    responder?.child.stdin.end();
    expect(await responder?.exited).toBe(0);
  });

  it.each([
    { name: 'an unknown interface is ENODEV', ifname: 'blbft-nope0', wrap: [], code: 'ENODEV' },
    {
      name: 'without CAP_NET_RAW it is EPERM',
      ifname: 'lo',
      wrap: ['setpriv', '--bounding-set', '-net_raw', '--inh-caps', '-net_raw'],
      code: 'EPERM',
    },
  ])('$name', async ({ ifname, wrap, code }) => {
    const p = Responder.start([ifname, VIP], wrap);
    const r = await p.next((x) => x.event === 'open-failed' || x.event === 'ready', 'open result');
    p.stop();
    expect(r).toEqual({ event: 'open-failed', name: 'FrameSocketError', code });
    expect(await p.exited).toBe(1);
  });

  it('imports nothing from Node but N-API (one build for every Node major)', async () => {
    const so = join(REPO_ROOT, 'native', 'af-packet', 'build', 'Release', 'af_packet.node');
    const r = await run('nm', ['-D', '--undefined-only', so]);
    const symbols = r.stdout.split('\n').flatMap((l) => /^\s*[Uw]\s+(\S+)$/.exec(l)?.[1] ?? []);
    expect(symbols).toContain('napi_create_threadsafe_function');
    const foreign = symbols.filter((s) => !/^napi_|@GLIBC_|^__gmon_start__$|^_ITM_|^__cxa_finalize/.test(s));
    expect(foreign).toEqual([]);
  });
});
