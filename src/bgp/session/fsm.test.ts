import { describe, expect, it } from 'vitest';
import { WireError } from '../wire/bytes.js';
import type { BgpMessage, OpenMessage } from '../wire/messages.js';
import {
  connectRetryMs,
  type FsmAction,
  type FsmEvent,
  type FsmState,
  initialState,
  type Phase,
  step,
} from './fsm.js';
import type { LocalSession } from './negotiate.js';

const local: LocalSession = {
  myAsn: 64512,
  peerAsn: 64513,
  holdTimeS: 9,
  bgpId: 1,
  families: ['IPv4'],
  gracefulRestartS: 0,
};
const peerOpen: OpenMessage = {
  type: 'open',
  version: 4,
  myAs: 64513,
  holdTimeS: 90,
  bgpId: 2,
  capabilities: [{ kind: 'four-octet-as', asn: 64513 }],
};
const msg = (message: BgpMessage): FsmEvent => ({ type: 'message', message });
/** What every failure ends with: close, timers off, down, retry in 1 s. */
const FAILED = [
  'close',
  'cancel connect-retry',
  'cancel hold',
  'cancel keepalive',
  'down',
  'timer connect-retry 1000',
];
const UP: FsmEvent[] = [{ type: 'start' }, { type: 'tcp-up' }, msg(peerOpen), msg({ type: 'keepalive' })];

/** Runs events from Idle; returns the final phase and every action, each as a short word. */
function run(events: readonly FsmEvent[], from: FsmState = initialState(), l: LocalSession = local) {
  let s = from;
  const all: FsmAction[][] = [];
  for (const e of events) {
    const r = step(s, e, l);
    s = r.state;
    all.push([...r.actions]);
  }
  const word = (a: FsmAction) =>
    a.type === 'send'
      ? a.message.type === 'notification'
        ? `send notification ${a.message.code}/${a.message.subcode}`
        : `send ${a.message.type}`
      : a.type === 'start-timer'
        ? `timer ${a.timer} ${a.ms}`
        : a.type === 'cancel-timer'
          ? `cancel ${a.timer}`
          : a.type;
  return { state: s, last: (all.at(-1) ?? []).map(word), all: all.flat().map(word) };
}

describe('BGP session state machine', () => {
  it.each<{ name: string; events: FsmEvent[]; phase: Phase; last: string[] }>([
    {
      name: 'start: connect, with the retry timer running',
      events: [{ type: 'start' }],
      phase: 'connect',
      last: ['connect', 'timer connect-retry 1000'],
    },
    {
      name: 'connected: send OPEN, a 4-minute hold timer until the peer answers',
      events: UP.slice(0, 2),
      phase: 'open-sent',
      last: ['cancel connect-retry', 'send open', 'timer hold 240000'],
    },
    {
      name: "the peer's OPEN fits: KEEPALIVE, hold 9 s (the smaller), keepalive every 3 s",
      events: UP.slice(0, 3),
      phase: 'open-confirm',
      last: ['send keepalive', 'cancel hold', 'timer hold 9000', 'timer keepalive 3000'],
    },
    {
      name: 'its KEEPALIVE: Established',
      events: UP,
      phase: 'established',
      last: ['timer hold 9000', 'established'],
    },
    {
      name: 'Established: an UPDATE or KEEPALIVE from the peer restarts the hold timer',
      events: [...UP, msg({ type: 'update', withdrawn: [], attributes: {}, nlri: [] })],
      phase: 'established',
      last: ['timer hold 9000'],
    },
    {
      name: 'the keepalive timer sends a KEEPALIVE and starts again',
      events: [...UP, { type: 'timer', timer: 'keepalive' }],
      phase: 'established',
      last: ['send keepalive', 'timer keepalive 3000'],
    },
    {
      name: 'hold timer expiry: NOTIFICATION 4/0, close, retry in 1 s',
      events: [...UP, { type: 'timer', timer: 'hold' }],
      phase: 'active',
      last: ['send notification 4/0', ...FAILED],
    },
    {
      name: 'wrong peer AS: OPEN error 2/2, close, retry',
      events: [
        { type: 'start' },
        { type: 'tcp-up' },
        msg({ ...peerOpen, capabilities: [{ kind: 'four-octet-as', asn: 65000 }] }),
      ],
      phase: 'active',
      last: ['send notification 2/2', ...FAILED],
    },
    {
      name: 'a malformed message: its NOTIFICATION, close',
      events: [...UP, { type: 'decode-error', error: new WireError(3, 10, 'invalid prefix') }],
      phase: 'active',
      last: ['send notification 3/10', ...FAILED],
    },
    {
      name: 'an OPEN while Established: FSM error 5/3 (RFC 6608)',
      events: [...UP, msg(peerOpen)],
      phase: 'active',
      last: ['send notification 5/3', ...FAILED],
    },
    {
      name: 'an UPDATE before the OPEN: FSM error 5/1',
      events: [
        { type: 'start' },
        { type: 'tcp-up' },
        msg({ type: 'update', withdrawn: [], attributes: {}, nlri: [] }),
      ],
      phase: 'active',
      last: ['send notification 5/1', ...FAILED],
    },
    {
      name: "the peer's NOTIFICATION: close without answering",
      events: [...UP, msg({ type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) })],
      phase: 'active',
      last: [...FAILED],
    },
    {
      name: 'connection refused while connecting: wait for the retry timer',
      events: [{ type: 'start' }, { type: 'tcp-down', reason: 'ECONNREFUSED' }],
      phase: 'active',
      last: [...FAILED],
    },
    {
      name: 'the retry timer: connect again',
      events: [
        { type: 'start' },
        { type: 'tcp-down', reason: 'ECONNREFUSED' },
        { type: 'timer', timer: 'connect-retry' },
      ],
      phase: 'connect',
      last: ['close', 'connect', 'timer connect-retry 2000'],
    },
    {
      name: 'stop while Established: Cease / administrative shutdown',
      events: [...UP, { type: 'stop', reason: 'speaker stopping' }],
      phase: 'idle',
      last: [
        'send notification 6/2',
        'close',
        'cancel connect-retry',
        'cancel hold',
        'cancel keepalive',
        'down',
      ],
    },
    {
      name: 'stop because BFD went down: Cease / BFD Down (RFC 9384)',
      events: [...UP, { type: 'stop', reason: 'BFD down', cease: 10 }],
      phase: 'idle',
      last: [
        'send notification 6/10',
        'close',
        'cancel connect-retry',
        'cancel hold',
        'cancel keepalive',
        'down',
      ],
    },
    {
      name: 'stop while idle: nothing to close',
      events: [{ type: 'stop', reason: 'x' }],
      phase: 'idle',
      last: ['cancel connect-retry', 'cancel hold', 'cancel keepalive'],
    },
  ])('$name', ({ events, phase, last }) => {
    const r = run(events);
    expect(r.state.phase).toBe(phase);
    expect(r.last).toEqual(last);
  });

  it('connectTime: every retry waits the same, with no backoff', () => {
    const r = run(
      [
        { type: 'start' },
        { type: 'tcp-down', reason: 'ECONNREFUSED' },
        { type: 'timer', timer: 'connect-retry' },
        { type: 'tcp-down', reason: 'ECONNREFUSED' },
        { type: 'timer', timer: 'connect-retry' },
      ],
      initialState(),
      { ...local, connectRetryS: 5 },
    );
    expect(r.all.filter((w) => w.startsWith('timer connect-retry'))).toEqual([
      'timer connect-retry 5000',
      'timer connect-retry 5000',
      'timer connect-retry 5000',
      'timer connect-retry 5000',
      'timer connect-retry 5000',
    ]);
  });

  it('keepaliveTime: the keepalive timer runs at the configured interval', () => {
    const r = run([...UP, { type: 'timer', timer: 'keepalive' }], initialState(), {
      ...local,
      holdTimeS: 90,
      keepaliveS: 10,
    });
    expect(r.state.phase).toBe('established');
    expect(r.last).toEqual(['send keepalive', 'timer keepalive 10000']);
  });

  it('a hold time of 0 runs neither hold nor keepalive timer', () => {
    const r = run([
      { type: 'start' },
      { type: 'tcp-up' },
      msg({ ...peerOpen, holdTimeS: 0 }),
      msg({ type: 'keepalive' }),
    ]);
    expect(r.state.phase).toBe('established');
    expect(r.all.filter((w) => w.startsWith('timer hold') || w.startsWith('timer keepalive'))).toEqual([
      'timer hold 240000',
    ]);
  });

  it('Established resets the backoff; the first OPEN after a restart carries the R bit', () => {
    const restarted = initialState(true);
    let s = restarted;
    for (const e of UP) s = step(s, e, { ...local, gracefulRestartS: 120 }).state;
    expect(s).toMatchObject({ phase: 'established', failures: 0, restarting: false });
    const open = step(
      { ...restarted, phase: 'connect' },
      { type: 'tcp-up' },
      { ...local, gracefulRestartS: 120 },
    ).actions.find((a) => a.type === 'send');
    expect(open?.type === 'send' && open.message.type === 'open' && open.message.capabilities).toContainEqual(
      expect.objectContaining({ kind: 'graceful-restart', restarting: true }),
    );
  });
});

describe('connectRetryMs', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [4, 16_000],
    [5, 30_000],
    [50, 30_000],
  ])('after %i failures: %i ms', (failures, ms) => {
    expect(connectRetryMs(failures)).toBe(ms);
  });
  it.each([
    [0, 5, 5_000],
    [6, 5, 5_000],
    [0, 120, 120_000],
  ])('after %i failures with connectTime %i s: %i ms, every time', (failures, fixed, ms) => {
    expect(connectRetryMs(failures, fixed)).toBe(ms);
  });
});
