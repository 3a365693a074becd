import { describe, expect, it } from 'vitest';
import { encodeMessage, factsBytes, type Message, type NodeFacts, parseFacts } from './heartbeat-codec.js';
import { DEFAULT_MEMBERSHIP_TIMING, Membership } from './membership.js';
import { MembershipSim } from './membership-sim.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const hb = (node: string, incarnation: number, seq: number): Message => ({
  node,
  incarnation: BigInt(incarnation),
  seq: BigInt(seq),
  kind: 'heartbeat',
  health: 0,
  factsDigest: 0n,
  viewDigest: 0n,
});
const facts = (localServices: number, leaving = false): NodeFacts => ({
  kubeProxyHealthy: true,
  localEndpoints: Array.from({ length: localServices }, (_, i) => `ns/svc-${i}`),
  nodePortDown: [],
  leaving,
});

describe('Membership: replay defence and restarts', () => {
  it.each([
    { name: 'first heartbeat', seq: [[100, 1, 0]], want: [undefined] },
    {
      name: 'newer seq',
      seq: [
        [100, 1, 0],
        [100, 2, 0],
      ],
      want: [undefined, undefined],
    },
    {
      name: 'replayed seq',
      seq: [
        [100, 2, 0],
        [100, 2, 0],
      ],
      want: [undefined, 'replayed'],
    },
    {
      name: 'older seq, out of order but never seen',
      seq: [
        [100, 5, 0],
        [100, 4, 0],
      ],
      want: [undefined, undefined],
    },
    {
      name: 'older seq seen before',
      seq: [
        [100, 4, 0],
        [100, 5, 0],
        [100, 4, 0],
      ],
      want: [undefined, undefined, 'replayed'],
    },
    {
      name: 'older than the replay window',
      seq: [
        [100, 100, 0],
        [100, 36, 0],
      ],
      want: [undefined, 'replayed'],
    },
    {
      name: 'restart: new incarnation, seq from 1',
      seq: [
        [100, 50, 0],
        [200, 1, 0],
      ],
      want: [undefined, undefined],
    },
    {
      name: 'old incarnation replayed while the new one is heard',
      seq: [
        [200, 1, 0],
        [100, 99, 100],
      ],
      want: [undefined, 'replayed'],
    },
    { name: 'far-future incarnation', seq: [[10 ** 12, 1, 0]], want: ['future'] },
    // Issue 12, item 7: a restart with the clock stepped back used to be refused for as long as the
    // clock stayed behind the old incarnation (Membership.forget was never called).
    {
      name: 'restart with the clock stepped back, once the old life is silent',
      seq: [
        [2_000, 50, 0],
        [1_000, 1, 400],
      ],
      want: [undefined, undefined],
    },
    {
      name: 'a smaller incarnation while the current one is still heard',
      seq: [
        [2_000, 50, 0],
        [1_000, 1, 100],
      ],
      want: [undefined, 'replayed'],
    },
    {
      name: 'an incarnation seen before does not come back',
      seq: [
        [1_000, 5, 0],
        [2_000, 1, 100],
        [1_000, 6, 10_000],
      ],
      want: [undefined, undefined, 'replayed'],
    },
  ])('$name', ({ seq, want }) => {
    const m = new Membership('self', DEFAULT_MEMBERSHIP_TIMING, 5_000);
    m.setMembers(['self', 'n1']);
    expect(seq.map(([inc = 0, s = 0, at = 0]) => m.receive(hb('n1', inc, s), at, 5_000).refused)).toEqual(
      want,
    );
  });

  it('refuses its own messages', () => {
    const m = new Membership('self', DEFAULT_MEMBERSHIP_TIMING, 5_000);
    expect(m.receive(hb('self', 1, 1), 0, 5_000).refused).toBe('self');
  });

  it('hears an authenticated speaker its Node cache does not list yet (a relist after an API restart)', () => {
    const m = new Membership('self', DEFAULT_MEMBERSHIP_TIMING, 5_000);
    m.setMembers([]);
    expect(m.receive(hb('n1', 1, 1), 0, 5_000).refused).toBeUndefined();
    expect(m.heardPeers(100)).toEqual(['n1']);
  });

  it.each([
    {
      name: 'keeps a node missing from the Node list while it is heard',
      silentFor: 59_000,
      restart: 'replayed',
    },
    {
      name: 'forgets a node gone from the list and silent for a minute',
      silentFor: 60_000,
      restart: undefined,
    },
  ])('$name', ({ silentFor, restart }) => {
    const m = new Membership('self', DEFAULT_MEMBERSHIP_TIMING, 5_000);
    m.setMembers(['self', 'n1']);
    m.receive(hb('n1', 2_000, 50), 0, 5_000);
    m.tick(silentFor, 0);
    m.setMembers(['self']);
    m.setMembers(['self', 'n1']);
    // Forgotten, it starts clean: the same datagram again is taken (nothing is known to replay).
    expect(m.receive(hb('n1', 2_000, 50), silentFor, 5_000).refused).toBe(restart);
  });
});

describe('Membership: heartbeats stay constant-size (issue 12, item 5)', () => {
  it.each([0, 100, 5_000])('%i Local Services: heartbeat as large as with none', (services) => {
    const size = (f: NodeFacts) => {
      const m = new Membership('n1', DEFAULT_MEMBERSHIP_TIMING, 5_000);
      m.setMembers(['n1', 'n2']);
      m.publish(f);
      const hbs = m.tick(0, 0).out.filter((o) => o.message.kind === 'heartbeat');
      expect(hbs).toHaveLength(1);
      const e = encodeMessage((hbs[0] as { message: Message }).message, Buffer.alloc(32));
      if (!e.ok) throw new Error(e.reason);
      return e.bytes.length;
    };
    expect(size(facts(services))).toBe(size(facts(0)));
  });

  it("a restarted node knows every peer's facts before its 400 ms warm-up ends", () => {
    const sim = new MembershipSim({ nodes: names(3), facts: () => facts(2) });
    sim.runUntil(2_000);
    sim.kill('n1');
    sim.runUntil(3_000);
    const m = sim.start('n1', 1_000_000 + 3_000);
    sim.runUntil(3_300);
    expect([m.facts('n2'), m.facts('n3')]).toEqual([
      parseFacts(factsBytes(facts(2))),
      parseFacts(factsBytes(facts(2))),
    ]);
  });

  it('a peer that sees an unknown facts digest pulls the facts and gets them whole', () => {
    const sim = new MembershipSim({ nodes: names(2), lossRate: 0, facts: () => facts(0) });
    sim.runUntil(1_000);
    // Every facts datagram to n2 is lost: n2 must learn them through the heartbeat's digest.
    const m1 = sim.membership('n1');
    const out = m1.publish(facts(3_000));
    expect(out.filter((o) => o.message.kind === 'facts').length).toBeGreaterThan(10);
    sim.runUntil(2_000);
    expect(sim.membership('n2').facts('n1')).toEqual(parseFacts(factsBytes(facts(3_000))));
  });
});

type Scenario = {
  name: string;
  nodes: number;
  loss?: number;
  act: (sim: MembershipSim) => void;
  /** Nodes that must never be seen dead by anyone (from the start). */
  neverDead?: readonly string[];
  /** Nodes every live node must see dead by `by` ms after `act` returned. */
  dead?: readonly string[];
  /** Nodes every live node must see alive at the end. */
  alive?: readonly string[];
  by: number;
};

/** Pauses `node` for `pause` ms every `every` ms, `times` times: a starved speaker. */
function starve(sim: MembershipSim, node: string, pause: number, every: number, times: number) {
  for (let i = 0; i < times; i++) {
    sim.pause(node, pause);
    sim.runUntil(sim.now + every);
  }
}

describe('Membership in a simulated cluster (issue 12, items 3 and 7)', () => {
  it.each<Scenario>([
    { name: 'two nodes, dead peer', nodes: 2, act: (s) => s.kill('n1'), dead: ['n1'], by: 500 },
    {
      name: 'three nodes, dead peer',
      nodes: 3,
      act: (s) => s.kill('n1'),
      dead: ['n1'],
      neverDead: ['n2', 'n3'],
      by: 500,
    },
    {
      name: 'five nodes, two dead at once',
      nodes: 5,
      act: (s) => {
        s.kill('n1');
        s.kill('n4');
      },
      dead: ['n1', 'n4'],
      by: 500,
    },
    // With no second watcher left to confirm, the survivor's word alone takes the long suspicion timeout.
    {
      name: 'three nodes, two dead at once',
      nodes: 3,
      act: (s) => {
        s.kill('n1');
        s.kill('n2');
      },
      dead: ['n1', 'n2'],
      by: 1_550,
    },
    {
      name: '30 nodes on the ring, dead peer',
      nodes: 30,
      act: (s) => s.kill('n7'),
      dead: ['n7'],
      neverDead: ['n1', 'n8'],
      by: 500,
    },
    {
      name: '10 nodes with 5% loss, dead peer',
      nodes: 10,
      loss: 0.05,
      act: (s) => s.kill('n3'),
      dead: ['n3'],
      neverDead: ['n1', 'n2', 'n4'],
      by: 1_500,
    },
    {
      name: 'slow peer: stalls that announce themselves widen its timeout',
      nodes: 3,
      act: (s) => {
        starve(s, 'n3', 150, 300, 6);
        s.pause('n3', 600);
      },
      neverDead: ['n1', 'n2', 'n3'],
      alive: ['n1', 'n2', 'n3'],
      by: 1_000,
    },
    {
      name: 'cut off for 3 s, then healed: every verdict heals',
      nodes: 3,
      act: (s) => {
        s.cut('n3');
        s.runUntil(s.now + 3_000);
        s.heal('n3');
      },
      alive: ['n1', 'n2', 'n3'],
      by: 1_000,
    },
    {
      name: 'paused self: wakes up and accuses nobody',
      nodes: 3,
      act: (s) => s.pause('n1', 2_000),
      // n1 really was silent for 2 s, so the others rightly saw it dead; n1 itself saw nobody dead.
      alive: ['n1', 'n2', 'n3'],
      by: 3_000,
    },
    {
      name: 'restart with the clock stepped back an hour',
      nodes: 3,
      act: (s) => {
        s.kill('n2');
        s.runUntil(s.now + 100);
        s.start('n2', 1_000_000 - 3_600_000 + 1);
      },
      alive: ['n1', 'n2', 'n3'],
      by: 1_500,
    },
  ])('$name', ({ nodes, loss, act, neverDead = [], dead = [], alive = [], by }) => {
    const sim = new MembershipSim({ nodes: names(nodes), lossRate: loss ?? 0, seed: 7 });
    const seenDead = new Set<string>();
    sim.onEvent = (node) => {
      for (const x of neverDead)
        if (!sim.membership(node).isAlive(x, sim.now)) seenDead.add(`${node} saw ${x}`);
    };
    sim.runUntil(2_000);
    act(sim);
    const deadline = sim.now + by;
    sim.runUntil(deadline);
    for (const x of dead)
      expect(
        [...sim.views(x)].filter(([, v]) => v),
        `${x} still alive`,
      ).toEqual([]);
    for (const x of alive)
      expect(
        [...sim.views(x)].filter(([, v]) => !v),
        `${x} seen dead`,
      ).toEqual([]);
    if (alive.length > 0)
      for (const x of alive)
        for (const y of alive) if (x !== y) expect(sim.membership(y).facts(x)).toBeDefined();
    expect([...seenDead]).toEqual([]);
  });

  // The lab on a loaded machine: every speaker's timers run late all the time (a 150 ms stall every
  // 300 ms). Their own timeouts widen (score 4: 3 x deadAfter), but a dead peer must be noticed
  // once that widened timeout has run out, not only when the stalls stop (each stall used to grant
  // every peer a whole fresh timeout: 3 s failovers in the lab), and a live peer never.
  const starveAll = (sim: MembershipSim, nodes: readonly string[], until: number) => {
    while (sim.now < until) {
      for (const [i, n] of nodes.entries()) sim.pause(n, 140 + 10 * i);
      sim.runUntil(sim.now + 300);
    }
  };

  it('starved survivors still notice a dead peer while the stalls go on', () => {
    const sim = new MembershipSim({ nodes: names(3), seed: 5 });
    sim.runUntil(2_000);
    starveAll(sim, ['n1', 'n2', 'n3'], 4_000);
    const killedAt = sim.now;
    sim.kill('n1');
    const seen = new Map<string, number>();
    sim.onEvent = (node) => {
      if (!seen.has(node) && !sim.membership(node).isAlive('n1', sim.now)) seen.set(node, sim.now - killedAt);
    };
    starveAll(sim, ['n2', 'n3'], killedAt + 5_000);
    expect(sim.membership('n2').healthScore).toBe(4);
    // 1,200 ms of widened timeout from the last heartbeat, a stall, the confirmation.
    expect(seen.get('n2') ?? Infinity).toBeLessThanOrEqual(2_000);
    expect(seen.get('n3') ?? Infinity).toBeLessThanOrEqual(2_000);
  });

  it('starved nodes accuse nobody alive', () => {
    const sim = new MembershipSim({ nodes: names(3), seed: 6 });
    sim.runUntil(2_000);
    const wrong = new Set<string>();
    sim.onEvent = (node) => {
      for (const x of ['n1', 'n2', 'n3'])
        if (!sim.membership(node).isAlive(x, sim.now)) wrong.add(`${node} saw ${x}`);
    };
    starveAll(sim, ['n1', 'n2', 'n3'], 20_000);
    expect([...wrong]).toEqual([]);
  });

  it('a paused node reads what waited before accusing anyone', () => {
    const sim = new MembershipSim({ nodes: names(3), seed: 3 });
    sim.runUntil(2_000);
    let accused = 0;
    sim.onEvent = (node) => {
      if (node === 'n1' && sim.membership('n1').alivePeers(sim.now).length < 2) accused++;
    };
    sim.pause('n1', 2_000);
    sim.runUntil(6_000);
    expect(accused).toBe(0);
    expect(sim.membership('n1').healthScore).toBeGreaterThan(0);
  });
});
