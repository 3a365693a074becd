/**
 * Pure reading of an in-namespace probe's record (test/support/lab-probe.ts) for the failover
 * benches: who owns each IP in steady state, and how long after a kill every IP the killed node owned
 * was served again. Times are on the probe's clock (see hard-kill-rounds.ts for how the kill gets there).
 */
import type { ProbeSample } from '../test/support/lab-probe.js';

/** One IP's failover after a kill, in ms from the kill (undefined: not within the record). */
export interface IpFailover {
  readonly ip: string;
  /** First successful GET that entered through another node, to its answer. */
  readonly servedMs: number | undefined;
  /** First ARP reply from another node. */
  readonly arpMs: number | undefined;
  /** The node that served that first GET. */
  readonly by: string | undefined;
  /**
   * GETs started between the ARP answer and the first success that failed: the data path's share
   * (the client's neighbour entry still on the dead MAC, a backend on the dead node), not election's.
   */
  readonly failedAfterArp: number;
}

/**
 * For each of `ips`, after a kill of `victim` at `killAt`: the first GET started at or after the kill
 * that succeeded through a node other than the victim (counted to its answer, `t + ms`: what a client
 * waited for), and the first ARP reply from another node.
 */
export function failoverOf(
  samples: readonly ProbeSample[],
  ips: readonly string[],
  victim: string,
  killAt: number,
): IpFailover[] {
  return ips.map((ip) => {
    let served: ProbeSample | undefined;
    let arp: number | undefined;
    for (const s of samples) {
      if (s.ip !== ip || s.t < killAt || !s.ok || s.entry === undefined || s.entry === victim) continue;
      if (s.kind === 'arp') arp = arp === undefined ? s.t : Math.min(arp, s.t);
      else if (served === undefined || s.t + s.ms < served.t + served.ms) served = s;
    }
    const arpAt = arp;
    const servedAt = served?.t ?? Number.POSITIVE_INFINITY;
    const failedAfterArp =
      arpAt === undefined
        ? 0
        : samples.filter((s) => s.ip === ip && s.kind === 'http' && !s.ok && s.t >= arpAt && s.t < servedAt)
            .length;
    return {
      ip,
      servedMs: served ? served.t + served.ms - killAt : undefined,
      arpMs: arp === undefined ? undefined : arp - killAt,
      by: served?.entry,
      failedAfterArp,
    };
  });
}

/**
 * The failover of a kill: when the last of the victim's IPs was served again (NaN when one never
 * was, or the victim owned none), and likewise for ARP.
 */
export function worstFailover(per: readonly IpFailover[]): { servedMs: number; arpMs: number } {
  const worst = (xs: (number | undefined)[]) =>
    xs.length === 0 || xs.some((x) => x === undefined) ? Number.NaN : Math.max(...(xs as number[]));
  return { servedMs: worst(per.map((p) => p.servedMs)), arpMs: worst(per.map((p) => p.arpMs)) };
}

/**
 * The node answering for each IP when ownership is steady over [now - windowMs, now): every ARP reply
 * came from one node, every GET succeeded and entered through that node (so the client's neighbour
 * entry points at it, as in real traffic), and there were at least `min` of each. Undefined when any
 * IP is not steady.
 */
export function steadyOwners(
  samples: readonly ProbeSample[],
  ips: readonly string[],
  now: number,
  windowMs: number,
  min = 3,
): Map<string, string> | undefined {
  const owners = new Map<string, string>();
  for (const ip of ips) {
    const inWindow = samples.filter((s) => s.ip === ip && s.t >= now - windowMs && s.t < now);
    const arp = inWindow.filter((s) => s.kind === 'arp');
    const http = inWindow.filter((s) => s.kind === 'http');
    const owner = arp[0]?.entry;
    if (owner === undefined || arp.length < min || http.length < min) return undefined;
    if (!arp.every((s) => s.entry === owner) || !http.every((s) => s.ok && s.entry === owner))
      return undefined;
    owners.set(ip, owner);
  }
  return owners;
}

/** Every change of the node successful GETs to `ip` entered through, in [from, to), in order. */
export function entryChanges(
  samples: readonly ProbeSample[],
  ip: string,
  from: number,
  to: number,
): { atMs: number; from: string; to: string }[] {
  const ok = samples
    .filter(
      (s) => s.ip === ip && s.kind === 'http' && s.ok && s.entry !== undefined && s.t >= from && s.t < to,
    )
    .sort((a, b) => a.t - b.t);
  const out: { atMs: number; from: string; to: string }[] = [];
  for (let i = 1; i < ok.length; i++) {
    const a = ok[i - 1]?.entry ?? '';
    const b = ok[i]?.entry ?? '';
    if (a !== b) out.push({ atMs: (ok[i]?.t ?? from) - from, from: a, to: b });
  }
  return out;
}

/** How requests to one IP fared in the window after a kill (ms from the kill). */
export interface Recovery {
  /** First GET that succeeded, to its answer (undefined: none in the window). */
  readonly firstOkMs: number | undefined;
  /**
   * From when on at least 99 % of the window's remaining GETs succeeded: the earliest GET start, at
   * or after the first success, from which the rest of the window fails under 1 %. With Cluster policy that is when kube-proxy stops
   * sending to the dead node's endpoints; before, a share of requests fails even though the IP moved.
   */
  readonly recovered99Ms: number | undefined;
  /** Failed GETs over all GETs started in the window. */
  readonly failedFraction: number;
  readonly probes: number;
}

/** Requests to `ip` started in [killAt, killAt + windowMs), read from a probe's samples. Pure. */
export function recoveryOf(
  samples: readonly ProbeSample[],
  ip: string,
  killAt: number,
  windowMs: number,
): Recovery {
  const gets = samples
    .filter((s) => s.ip === ip && s.kind === 'http' && s.t >= killAt && s.t < killAt + windowMs)
    .sort((a, b) => a.t - b.t);
  const failed = gets.filter((s) => !s.ok).length;
  const firstOk = gets.find((s) => s.ok);
  // Walk back from the end: the earliest start whose suffix still fails under 1 %. Not before the
  // first success: a short outage right after the kill can be under 1 % of a long window, and "99 %
  // from 0 s" would hide it.
  let recovered: ProbeSample | undefined;
  let suffixFailed = 0;
  const firstOkIndex = firstOk ? gets.indexOf(firstOk) : gets.length;
  for (let i = gets.length - 1; i >= firstOkIndex; i--) {
    const s = gets[i];
    if (!s) continue;
    if (!s.ok) suffixFailed++;
    if (suffixFailed / (gets.length - i) < 0.01) recovered = s;
  }
  return {
    firstOkMs: firstOk ? firstOk.t + firstOk.ms - killAt : undefined,
    recovered99Ms: recovered ? recovered.t - killAt : undefined,
    failedFraction: gets.length === 0 ? 0 : failed / gets.length,
    probes: gets.length,
  };
}
