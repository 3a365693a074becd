import type { Logger } from 'pino';
import { GRATUITOUS_SCHEDULE_MS } from '../layer2/announce-schedule.js';
import { gratuitousArpFrames } from '../layer2/arp.js';
import { formatMac, type Mac } from '../layer2/ethernet.js';
import type { FrameConnection } from '../layer2/frame-socket.js';
import { buildUnsolicitedAdvertisement, ipv6MulticastMac, solicitedNodeMulticast } from '../layer2/ndp.js';
import { type AllowedInterfaces, decide, type OwnedAddresses } from '../layer2/responder.js';
import { formatAddress, parseAddress } from '../net/address.js';
import type { SpeakerMetrics } from './speaker-metrics.js';

/** An interface the speaker may answer on. */
export interface AnnounceInterface {
  readonly name: string;
  readonly mac: Mac;
}

/** `defaults`: what 'any' means (the default selection); `all`: every usable link, for named interfaces. */
export interface Interfaces {
  readonly defaults: readonly AnnounceInterface[];
  readonly all: readonly AnnounceInterface[];
}

export interface ConflictReport {
  readonly ip: string;
  readonly mac: string;
  readonly iface: string;
  readonly kind: string;
}

/**
 * Answers ARP/NDP for the IPs this node owns and announces takeovers. It is the imperative shell
 * around the pure responder: one frame connection per interface in use, the owned set swapped
 * whole on every election, and a gratuitous burst for every IP gained (first frame at once), and for
 * every IP that gains an interface (a link came up again, or the advertisement names another one):
 * switches and hosts behind that link have not heard of it yet (issue 12, finding 6).
 * Losing an IP takes it out of the owned set before anything else, so no reply goes out for it.
 */
export class Announcer {
  private owned: Map<string, AllowedInterfaces> = new Map();
  private readonly conns = new Map<
    string,
    { conn: FrameConnection; iface: AnnounceInterface; groups: Set<string> }
  >();
  private readonly bursts = new Map<string, NodeJS.Timeout[]>();
  /** The interfaces each owned IP was last announced on, to notice one it gains. */
  private announcedOn = new Map<string, ReadonlySet<string>>();
  private ourMacs: Mac[] = [];

  constructor(
    private readonly open: (ifname: string) => FrameConnection,
    private readonly metrics: SpeakerMetrics,
    private readonly log: Logger,
    private readonly onConflict: (c: ConflictReport) => void,
  ) {}

  /**
   * Applies a new ownership: `owned` maps IPs to the interfaces they may be answered on ('any' = every
   * default interface), `defaults` are the interfaces 'any' means. Returns the IPs newly gained.
   */
  update(owned: ReadonlyMap<string, AllowedInterfaces>, ifs: Interfaces): string[] {
    const lost = [...this.owned.keys()].filter((ip) => !owned.has(ip));
    const gained = [...owned.keys()].filter((ip) => !this.owned.has(ip));
    // Stop answering for lost IPs first: replies are decided against this map.
    this.owned = new Map(owned);
    for (const ip of lost) this.cancelBurst(ip);

    const byName = new Map(ifs.all.map((i) => [i.name, i]));
    for (const i of ifs.defaults) byName.set(i.name, i);
    const wanted = new Set<string>();
    for (const allowed of owned.values()) {
      if (allowed === 'any') for (const i of ifs.defaults) wanted.add(i.name);
      else for (const n of allowed) if (byName.has(n)) wanted.add(n);
    }
    for (const [name, c] of this.conns) {
      if (!wanted.has(name)) {
        c.conn.close();
        this.conns.delete(name);
      }
    }
    for (const name of wanted) {
      const iface = byName.get(name);
      if (iface && !this.conns.has(name)) this.openInterface(iface);
    }
    this.ourMacs = [...this.conns.values()].map((c) => c.iface.mac);
    this.syncMulticast();
    this.metrics.announcedIps.set(owned.size);
    const before = this.announcedOn;
    this.announcedOn = new Map(
      [...owned.keys()].map((ip) => [ip, new Set(this.allowedConns(ip).map((c) => c.iface.name))]),
    );
    const widened = newInterfaces(before, this.announcedOn, new Set(gained));
    for (const ip of gained) this.startBurst(ip);
    for (const [ip, names] of widened) {
      this.log.info({ event: 'interfaces_gained', ip, interfaces: names }, 'announcing on another interface');
      this.startBurst(ip);
    }
    if (gained.length > 0 || lost.length > 0) {
      this.log.info({ event: 'ownership_changed', gained, lost }, 'announcing changed');
    }
    return gained;
  }

  private openInterface(iface: AnnounceInterface): void {
    try {
      const conn = this.open(iface.name);
      conn.onFrame((frame) => this.onFrame(iface, conn, frame));
      this.conns.set(iface.name, { conn, iface, groups: new Set() });
    } catch (err) {
      this.log.error({ err, iface: iface.name }, 'cannot open a frame socket on this interface');
    }
  }

  private onFrame(iface: AnnounceInterface, conn: FrameConnection, frame: Uint8Array): void {
    const d = decide(frame, { iface, owned: this.owned as OwnedAddresses, ourMacs: this.ourMacs });
    if (d.action === 'reply') {
      this.metrics.requests.inc({ kind: d.kind === 'arp-reply' ? 'arp' : 'ndp' });
      try {
        conn.send(d.frame);
        this.metrics.replies.inc({ kind: d.kind });
      } catch (err) {
        this.log.warn({ err, ip: d.ip }, 'reply send failed');
      }
    } else {
      this.metrics.dropped.inc({ reason: d.reason });
    }
    if (d.conflict) {
      const report = {
        ip: formatAddress(d.conflict.ip),
        mac: formatMac(d.conflict.mac),
        iface: iface.name,
        kind: d.conflict.kind,
      };
      this.metrics.conflicts.inc({ ip: report.ip });
      this.onConflict(report);
    }
  }

  private allowedConns(ip: string): { conn: FrameConnection; iface: AnnounceInterface }[] {
    const allowed = this.owned.get(ip);
    if (!allowed) return [];
    return [...this.conns.values()].filter((c) => allowed === 'any' || allowed.has(c.iface.name));
  }

  /** Sends the burst: frame 0 now, the rest on the documented schedule (see announce-schedule.ts). */
  private startBurst(ip: string): void {
    this.cancelBurst(ip);
    const timers: NodeJS.Timeout[] = [];
    for (const at of GRATUITOUS_SCHEDULE_MS) {
      if (at === 0) this.announce(ip);
      else timers.push(setTimeout(() => this.announce(ip), at));
    }
    this.bursts.set(ip, timers);
  }

  private cancelBurst(ip: string): void {
    for (const t of this.bursts.get(ip) ?? []) clearTimeout(t);
    this.bursts.delete(ip);
  }

  private announce(ip: string): void {
    const addr = parseAddress(ip);
    if (!addr || !this.owned.has(ip)) return;
    for (const { conn, iface } of this.allowedConns(ip)) {
      const frames =
        addr.family === 'IPv4'
          ? gratuitousArpFrames(iface.mac, addr)
          : [buildUnsolicitedAdvertisement(addr, iface.mac, addr)];
      for (const f of frames) {
        try {
          conn.send(f);
          this.metrics.gratuitous.inc({ family: addr.family });
        } catch (err) {
          this.log.warn({ err, ip, iface: iface.name }, 'gratuitous send failed');
        }
      }
    }
  }

  /** Joins the solicited-node multicast group of every owned IPv6 address on its interfaces. */
  private syncMulticast(): void {
    for (const c of this.conns.values()) {
      const want = new Set<string>();
      for (const ip of this.owned.keys()) {
        const a = parseAddress(ip);
        if (a?.family !== 'IPv6' || !this.allowedConns(ip).some((x) => x.iface.name === c.iface.name))
          continue;
        want.add(formatMac(ipv6MulticastMac(solicitedNodeMulticast(a))));
      }
      for (const g of want) if (!c.groups.has(g)) this.membership(c, g, true);
      for (const g of c.groups) if (!want.has(g)) this.membership(c, g, false);
    }
  }

  private membership(c: { conn: FrameConnection; groups: Set<string> }, mac: string, join: boolean): void {
    const bytes = Uint8Array.from(mac.split(':').map((h) => Number.parseInt(h, 16)));
    try {
      if (join) {
        c.conn.joinMulticast(bytes);
        c.groups.add(mac);
      } else {
        c.conn.leaveMulticast(bytes);
        c.groups.delete(mac);
      }
    } catch (err) {
      this.log.warn({ err, mac }, 'multicast membership change failed');
    }
  }

  /** Stops answering everything and closes every socket. */
  close(): void {
    this.owned = new Map();
    this.announcedOn = new Map();
    for (const ip of [...this.bursts.keys()]) this.cancelBurst(ip);
    for (const c of this.conns.values()) c.conn.close();
    this.conns.clear();
  }
}

/**
 * IPs owned before and now whose interfaces now include one they were not announced on, with those
 * interfaces. IPs in `gained` are left out: they get their takeover burst anyway. Pure.
 */
export function newInterfaces(
  before: ReadonlyMap<string, ReadonlySet<string>>,
  now: ReadonlyMap<string, ReadonlySet<string>>,
  gained: ReadonlySet<string>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [ip, names] of now) {
    if (gained.has(ip)) continue;
    const had = before.get(ip) ?? new Set<string>();
    const extra = [...names].filter((n) => !had.has(n)).sort();
    if (extra.length > 0) out.set(ip, extra);
  }
  return out;
}
