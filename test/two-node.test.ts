import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { macsToNodes } from './support/l2.js';
import { LabProbe, windowStats } from './support/lab-probe.js';
import { waitForIps } from './support/services.js';
import { eventually, speakersReady, startTestLab } from './support/test-lab.js';

/** Issue 12's failover budget: from the instant the kill starts to the first answer through the survivor. */
const FAILOVER_BUDGET_MS = 1_000;
/** How long the survivor must keep serving after a hard kill. */
const KEEPS_SERVING_MS = 60_000;
/** Ownership counts as settled when every IP was answered by the same node for this long. */
const STEADY_MS = 3_000;
/** A ready speaker stays quiet for its dead-after time (400 ms) first; this covers it and an election. */
const WARM_UP_MS = 1_000;
/**
 * The longest silence allowed between two ARP replies for an IP whose node keeps serving (asked every
 * 100 ms). Generous for a loaded machine, and far below the 15 s a node stood down for before.
 */
const ARP_GAP_MS = 1_000;
/** How soon after a heartbeat split only one node answers (issue 14: an exact half proves itself at once). */
const SPLIT_BUDGET_MS = 3_000;
/** How long a split is watched: past one Lease renew period (10 s). */
const SPLIT_WATCH_MS = 12_000;
/** Two probe rounds (every 100 ms) without an answer; a warm-up-long gap (400 ms) fails. */
const HANDBACK_SILENCE_MS = 250;

/**
 * A two-node cluster (issue 12, finding 1): the survivor keeps serving every IP when the other node
 * dies, and a graceful restart of either speaker costs the other node's IPs nothing. All Services use
 * externalTrafficPolicy Local with a pod on each node: then a request fails only if the announcing
 * node fails, not because kube-proxy sent it to a pod behind the dead node (this lab keeps a dead
 * node's pods in the EndpointSlices; a real node goes NotReady only after the node monitor grace period,
 * tens of seconds).
 * One probe process in the client namespace GETs every IP and asks ARP who has it every 100 ms
 * (800 ms GET timeout); times are taken there, from a mark placed just before the kill or restart to
 * the answers. HTTP alone would miss a node that stops answering ARP while the client's cache still
 * points at it (how the survivor's own IPs went quiet before, with requests still succeeding).
 */
describe('two nodes', () => {
  let lab: Lab;
  let probe: LabProbe;
  const ips: string[] = [];
  /** The node answering for each IP in steady state. */
  let owners = new Map<string, string>();

  const other = (n: string) => (n === 'n1' ? 'n2' : 'n1');

  /**
   * Waits until both speakers are ready and every IP has been answered by one node for STEADY_MS
   * since then (after the warm-up), and returns who answers each. A speaker takes seconds to start
   * on a busy machine: a test must not kill its peer before it runs, nor read owners from before it
   * took its IPs back.
   */
  const steady = async () => {
    await speakersReady(lab);
    const ready = await probe.mark('ready');
    return eventually(
      'every IP answered by one node',
      async () => {
        const now = await probe.mark('steady');
        if (now < ready + WARM_UP_MS + STEADY_MS) return undefined;
        const by = new Map<string, string>();
        for (const ip of ips) {
          const last = probe.between(ip, now - STEADY_MS, now);
          const node = last[0]?.node;
          if (last.length < STEADY_MS / 120 || !last.every((s) => s.ok && s.node === node)) return undefined;
          const arp = probe.between(ip, now - STEADY_MS, now, 'arp');
          if (arp.length < STEADY_MS / 200 || !arp.every((s) => s.node === node)) return undefined;
          by.set(ip, node ?? '');
        }
        return by;
      },
      60_000,
    );
  };

  beforeAll(async () => {
    lab = await startTestLab('two-node', { nodes: 2, demo: false });
    // Enough Services that each node owns at least one IP (owners spread by a hash of node and IP).
    for (let i = 1; i <= 8; i++) {
      await deployWorkload(lab, {
        name: `s${i}`,
        podsOn: ['n1', 'n2'],
        service: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
      });
    }
    for (let i = 1; i <= 8; i++) ips.push(...(await waitForIps(lab, `s${i}`)));
    probe = LabProbe.start(lab, ips, await macsToNodes(lab));
    owners = await steady();
  }, 600_000);

  afterAll(async () => {
    probe?.stop();
    await lab?.stop();
  });

  it('each node owns some of the IPs', () => {
    const counts = ['n1', 'n2'].map((n) => [...owners.values()].filter((o) => o === n).length);
    console.log(`owners: ${JSON.stringify(Object.fromEntries(owners))}`);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
  });

  for (const victim of ['n1', 'n2']) {
    it(
      `hard kill of ${victim}: ${other(victim)} serves every IP within ${FAILOVER_BUDGET_MS} ms and keeps serving`,
      async () => {
        owners = await steady();
        const survivor = other(victim);
        // Armed ahead (links listed, `ip` started), so the kill follows the mark within moments even on a
        // busy machine, where starting `ip` alone takes up to a second.
        const kill = await lab.armKill(victim);
        const killAt = await probe.mark(`kill ${victim}`);
        await kill();
        const killedAt = await probe.mark(`killed ${victim}`);
        await sleep(KEEPS_SERVING_MS);
        const end = await probe.mark('end');
        const report: Record<string, object> = {};
        for (const ip of ips) {
          const window = probe.between(ip, killAt, end);
          const answers = window.filter((s) => s.ok && s.node === survivor).map((s) => s.t + s.ms);
          const served = answers.length > 0 ? Math.round(Math.min(...answers) - killAt) : undefined;
          const later = window.filter((s) => s.t >= killAt + FAILOVER_BUDGET_MS);
          const arp = probe.between(ip, killAt, end, 'arp');
          const arpFirst = arp.find((s) => s.node === survivor);
          const arpAt = arpFirst ? Math.round(arpFirst.t - killAt) : undefined;
          const arpLater = arp.filter((s) => s.t >= killAt + FAILOVER_BUDGET_MS);
          const arpGap = probe.arpSilenceMs(ip, killAt + FAILOVER_BUDGET_MS, end);
          report[ip] = {
            owner: owners.get(ip),
            servedBySurvivorAfterMs: served,
            ...windowStats(window, killAt, end),
            failuresAfterBudget: later.filter((s) => !s.ok).length,
            arpBySurvivorAfterMs: arpAt,
            arpMaxGapAfterBudgetMs: arpGap,
          };
          expect
            .soft(arpAt ?? Infinity, `${ip} answered by ARP in time`)
            .toBeLessThanOrEqual(FAILOVER_BUDGET_MS);
          expect.soft(arpGap, `${ip} ARP silence after the budget`).toBeLessThanOrEqual(ARP_GAP_MS);
          expect
            .soft(new Set(arpLater.map((s) => s.node)), `${ip} ARP answered by`)
            .toEqual(new Set([survivor]));
          expect.soft(served, `${ip} (owner ${owners.get(ip)}) served by ${survivor}`).toBeDefined();
          expect.soft(served ?? Infinity, `${ip} served in time`).toBeLessThanOrEqual(FAILOVER_BUDGET_MS);
          // Keeps serving: nothing fails after the budget, and only the survivor answers.
          expect.soft(later.filter((s) => !s.ok).length, `${ip} failures after the budget`).toBe(0);
          expect.soft(new Set(later.filter((s) => s.ok).map((s) => s.node))).toEqual(new Set([survivor]));
        }
        console.log(
          `hard kill of ${victim} (the kill call took ${Math.round(killedAt - killAt)} ms): ${JSON.stringify(report)}`,
        );
        await lab.revive(victim);
        owners = await steady();
      },
      KEEPS_SERVING_MS + 120_000,
    );
  }

  // Issue 14: the Lease is renewed every 10 s, but a side that finds itself exactly half renews at once
  // (0.8 s on) as proof of life, so the higher-named side stands down within about a second, not a renew period.
  it(
    `cut off from each other (heartbeats dropped): within ${SPLIT_BUDGET_MS} ms only n1, the lowest name, answers`,
    async () => {
      owners = await steady();
      const rules = [
        ['INPUT', '-p', 'udp', '--dport', '7946'],
        ['OUTPUT', '-p', 'udp', '--dport', '7946'],
      ];
      const apply = async (op: string) => {
        for (const [chain = '', ...r] of rules)
          await lab.exec('n2', ['iptables', op, chain, ...r, '-j', 'DROP']);
      };
      await apply('-I');
      const cutAt = await probe.mark('cut');
      let end = cutAt;
      try {
        // A whole renew period: without the early renewal n2 would answer until n1's next periodic one.
        await sleep(SPLIT_WATCH_MS);
        end = await probe.mark('end');
      } finally {
        await apply('-D');
      }
      const report: Record<string, object> = {};
      for (const ip of ips) {
        const arp = probe.between(ip, cutAt, end, 'arp');
        const n2Last = arp.filter((s) => s.node === 'n2').at(-1);
        const late = arp.filter((s) => s.t >= cutAt + SPLIT_BUDGET_MS);
        report[ip] = {
          owner: owners.get(ip),
          n2LastArpAfterMs: n2Last ? Math.round(n2Last.t - cutAt) : undefined,
        };
        expect
          .soft(new Set(late.map((s) => s.node)), `${ip} ARP answered by, after the budget`)
          .toEqual(new Set(['n1']));
      }
      console.log(`heartbeats cut between n1 and n2: ${JSON.stringify(report)}`);
      owners = await steady();
    },
    SPLIT_WATCH_MS + 120_000,
  );

  /**
   * Until `victim` has been failed (by `fail`), watches: the time for its peer to answer ARP for each of
   * its IPs, then `watchMs` in which only the peer answers them. `heal` undoes the failure, and the test
   * waits until ownership is steady again, so the healed node neither fights nor stays silent.
   */
  const failedOverTwoNodes = async (
    what: string,
    victim: string,
    fail: () => Promise<unknown>,
    heal: () => Promise<unknown>,
    budgetMs: number,
    watchMs: number,
  ) => {
    owners = await steady();
    const survivor = other(victim);
    const theirs = ips.filter((ip) => owners.get(ip) === victim);
    expect(theirs.length).toBeGreaterThan(0);
    const at = await probe.mark(what);
    let end = at;
    try {
      await fail();
      await eventually(
        `${survivor} answering ARP for every IP of ${victim}`,
        async () => {
          const now = await probe.mark('taken?');
          const all = theirs.every((ip) =>
            probe.between(ip, at, now, 'arp').some((s) => s.node === survivor),
          );
          return all ? true : undefined;
        },
        budgetMs + 20_000,
      );
      const takenAt = await probe.mark('taken');
      await sleep(watchMs);
      end = await probe.mark('end');
      const report: Record<string, object> = {};
      for (const ip of theirs) {
        const arp = probe.between(ip, at, end, 'arp');
        const first = arp.find((s) => s.node === survivor);
        const tookMs = first ? Math.round(first.t - at) : undefined;
        const later = arp.filter((s) => s.t >= takenAt);
        report[ip] = { tookMs, answeredLaterBy: [...new Set(later.map((s) => s.node))] };
        expect
          .soft(tookMs ?? Infinity, `${ip}: ${survivor} answered ARP in time`)
          .toBeLessThanOrEqual(budgetMs);
        expect
          .soft(new Set(later.map((s) => s.node)), `${ip}: ARP answered by, afterwards`)
          .toEqual(new Set([survivor]));
        expect
          .soft(probe.arpSilenceMs(ip, takenAt, end), `${ip}: ARP silence afterwards`)
          .toBeLessThanOrEqual(ARP_GAP_MS);
      }
      console.log(`${what}: ${JSON.stringify(report)}`);
    } finally {
      await heal();
    }
    owners = await steady();
  };

  // The failover file's cases, on two nodes, where there is no majority to consult: a frozen process
  // and a failed data path must still hand the IPs to the only peer, and the node that comes back
  // must take its IPs back without a fight.
  it(`SIGSTOP of a speaker: the other node answers for its IPs within ${FAILOVER_BUDGET_MS} ms; SIGCONT settles`, async () => {
    const victim = owners.get(ips[0] ?? '') ?? 'n1';
    await failedOverTwoNodes(
      `SIGSTOP speaker-${victim}`,
      victim,
      () => lab.signalComponent(`speaker-${victim}`, 'SIGSTOP'),
      () => lab.signalComponent(`speaker-${victim}`, 'SIGCONT'),
      FAILOVER_BUDGET_MS,
      5_000,
    );
  }, 180_000);

  it('kube-proxy turning unhealthy on a node: the other node takes its IPs and keeps them', async () => {
    const victim = owners.get(ips[0] ?? '') ?? 'n1';
    await failedOverTwoNodes(
      `stop kube-proxy-${victim}`,
      victim,
      () => lab.stopComponent(`kube-proxy-${victim}`),
      () => lab.restart(`kube-proxy-${victim}`),
      // kube-proxy's /healthz turns unhealthy when its process is gone; the speaker polls it.
      5_000,
      5_000,
    );
  }, 180_000);

  it("graceful restart of each speaker in turn: 0 failed requests to the other node's IPs", async () => {
    owners = await steady();
    for (const node of ['n1', 'n2']) {
      const from = await probe.mark(`restart speaker-${node}`);
      // Fails by itself if the speaker needed SIGKILL after SIGTERM.
      const stopped = await lab.restart(`speaker-${node}`);
      // Until the restarted speaker runs and has taken its IPs back: its return counts too.
      const after = await steady();
      const to = await probe.mark('end');
      const report: Record<string, object> = {};
      for (const ip of ips) {
        const owner = owners.get(ip);
        const stats = windowStats(probe.between(ip, from, to), from, to);
        // The other node's IPs stay with it: its ARP answers never stop.
        const arpMaxGapMs = probe.arpSilenceMs(ip, from, to, (n) => n === owner);
        const arpAny = probe.arpSilenceMs(ip, from, to);
        report[ip] = { owner, ...stats, arpMaxGapByOwnerMs: arpMaxGapMs, arpMaxGapByAnyMs: arpAny };
        // The restarted node's IPs go to the other node and come back: its peer keeps them until it
        // announces again (it says when it is warmed up), so some node answers all along.
        expect
          .soft(arpAny, `${ip}: ARP silence of every node while ${node} restarted`)
          .toBeLessThanOrEqual(HANDBACK_SILENCE_MS);
        if (owner !== node) {
          expect.soft(stats.failures, `${ip} of ${owner} while ${node} restarted`).toBe(0);
          expect
            .soft(arpMaxGapMs, `${ip}: ARP silence of ${owner} while ${node} restarted`)
            .toBeLessThanOrEqual(ARP_GAP_MS);
        }
      }
      console.log(
        `graceful restart of speaker-${node} (stopped in ${stopped.ms} ms, ${stopped.outcome}, ${Math.round(to - from)} ms watched): ${JSON.stringify(report)}`,
      );
      owners = after;
    }
  }, 180_000);
});
