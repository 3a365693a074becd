/**
 * The BGP session state machine (RFC 4271 §8), reduced to what an export-only speaker needs — pure:
 * `step` takes the state and one event and returns the next state and the actions for the shell
 * (connect, send, close, timers, up/down). BareLB always opens the connection itself and never
 * listens on port 179, so two connections to one peer never meet and collision detection (§6.8) has
 * nothing to decide; a router configured with BareLB as a neighbour is refused and keeps waiting for
 * BareLB's connection, as with MetalLB.
 */
import type { WireError } from '../wire/bytes.js';
import { CeaseSubcode, type CeaseSubcodeValue, ErrorCode } from '../wire/codes.js';
import type { BgpMessage, NotificationMessage } from '../wire/messages.js';
import { type LocalSession, localOpen, type Negotiated, negotiate } from './negotiate.js';

export type Phase = 'idle' | 'connect' | 'active' | 'open-sent' | 'open-confirm' | 'established';
export type Timer = 'connect-retry' | 'hold' | 'keepalive';

export interface FsmState {
  readonly phase: Phase;
  /** Connection attempts failed in a row: the retry backs off with them. */
  readonly failures: number;
  readonly session?: Negotiated;
  /** Set while this speaker restarts (RFC 4724 R bit in the first OPEN after a restart). */
  readonly restarting: boolean;
}

export type FsmEvent =
  | { readonly type: 'start' }
  /** `cease`: the Cease subcode sent when the session is open (administrative shutdown if not given). */
  | { readonly type: 'stop'; readonly reason: string; readonly cease?: CeaseSubcodeValue }
  | { readonly type: 'tcp-up' }
  | { readonly type: 'tcp-down'; readonly reason: string }
  | { readonly type: 'message'; readonly message: BgpMessage }
  | { readonly type: 'decode-error'; readonly error: WireError }
  | { readonly type: 'timer'; readonly timer: Timer };

export type FsmAction =
  | { readonly type: 'connect' }
  | { readonly type: 'send'; readonly message: BgpMessage }
  | { readonly type: 'close' }
  | { readonly type: 'start-timer'; readonly timer: Timer; readonly ms: number }
  | { readonly type: 'cancel-timer'; readonly timer: Timer }
  | { readonly type: 'established'; readonly session: Negotiated }
  | { readonly type: 'down'; readonly reason: string; readonly wasEstablished: boolean };

/** RFC 4271 §8: a large hold time while waiting for the peer's OPEN (4 minutes suggested). */
export const OPEN_HOLD_MS = 240_000;
/**
 * Retries back off from 1 s to 30 s (RFC 4271's fixed 120 s is slow for a node's routes to return),
 * unless the peer sets a fixed interval (BGPPeer connectTime), which is then used every time.
 */
export function connectRetryMs(failures: number, fixedS?: number): number {
  if (fixedS !== undefined) return fixedS * 1_000;
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, failures));
}

export const initialState = (restarting = false): FsmState => ({ phase: 'idle', failures: 0, restarting });

const FSM_ERROR_SUBCODE: Partial<Record<Phase, number>> = {
  // RFC 6608: which state received the unexpected message.
  'open-sent': 1,
  'open-confirm': 2,
  established: 3,
};

const notification = (
  code: number,
  subcode: number,
  data: Uint8Array = new Uint8Array(0),
): NotificationMessage => ({
  type: 'notification',
  code,
  subcode,
  data,
});

const ALL_TIMERS: readonly Timer[] = ['connect-retry', 'hold', 'keepalive'];

export interface Step {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
}

/**
 * Drops the connection (after a NOTIFICATION, if one is given) and waits to connect again: the
 * session goes to Active with the retry timer running.
 */
function fail(s: FsmState, local: LocalSession, reason: string, sent?: NotificationMessage): Step {
  const failures = s.failures + 1;
  return {
    state: { phase: 'active', failures, restarting: s.restarting },
    actions: [
      ...(sent ? [{ type: 'send', message: sent } as const] : []),
      { type: 'close' },
      ...ALL_TIMERS.map((timer) => ({ type: 'cancel-timer', timer }) as const),
      { type: 'down', reason, wasEstablished: s.phase === 'established' },
      { type: 'start-timer', timer: 'connect-retry', ms: connectRetryMs(failures - 1, local.connectRetryS) },
    ],
  };
}

export function step(s: FsmState, e: FsmEvent, local: LocalSession): Step {
  const same = (actions: FsmAction[] = []): Step => ({ state: s, actions });
  switch (e.type) {
    case 'start':
      if (s.phase !== 'idle') return same();
      return {
        state: { ...s, phase: 'connect' },
        actions: [
          { type: 'connect' },
          {
            type: 'start-timer',
            timer: 'connect-retry',
            ms: connectRetryMs(s.failures, local.connectRetryS),
          },
        ],
      };
    case 'stop': {
      const open = s.phase === 'open-sent' || s.phase === 'open-confirm' || s.phase === 'established';
      return {
        state: { phase: 'idle', failures: 0, restarting: false },
        actions: [
          ...(open
            ? [
                {
                  type: 'send',
                  message: notification(ErrorCode.CEASE, e.cease ?? CeaseSubcode.ADMIN_SHUTDOWN),
                } as const,
              ]
            : []),
          ...(s.phase === 'idle' ? [] : [{ type: 'close' } as const]),
          ...ALL_TIMERS.map((timer) => ({ type: 'cancel-timer', timer }) as const),
          ...(s.phase === 'idle'
            ? []
            : [{ type: 'down', reason: e.reason, wasEstablished: s.phase === 'established' } as const]),
        ],
      };
    }
    case 'tcp-up':
      if (s.phase !== 'connect' && s.phase !== 'active') return same();
      return {
        state: { ...s, phase: 'open-sent' },
        actions: [
          { type: 'cancel-timer', timer: 'connect-retry' },
          { type: 'send', message: localOpen(local, s.restarting) },
          { type: 'start-timer', timer: 'hold', ms: OPEN_HOLD_MS },
        ],
      };
    case 'tcp-down':
      if (s.phase === 'idle' || s.phase === 'active') return same();
      return fail(s, local, `connection lost: ${e.reason}`);
    case 'timer':
      if (e.timer === 'connect-retry') {
        if (s.phase !== 'connect' && s.phase !== 'active') return same();
        return {
          state: { ...s, phase: 'connect' },
          actions: [
            { type: 'close' },
            { type: 'connect' },
            {
              type: 'start-timer',
              timer: 'connect-retry',
              ms: connectRetryMs(s.failures, local.connectRetryS),
            },
          ],
        };
      }
      if (e.timer === 'hold') {
        if (s.phase !== 'open-sent' && s.phase !== 'open-confirm' && s.phase !== 'established') return same();
        return fail(s, local, 'hold timer expired', notification(ErrorCode.HOLD_TIMER_EXPIRED, 0));
      }
      if (s.phase !== 'open-confirm' && s.phase !== 'established') return same();
      return same([
        { type: 'send', message: { type: 'keepalive' } },
        { type: 'start-timer', timer: 'keepalive', ms: (s.session?.keepaliveS ?? 30) * 1000 },
      ]);
    case 'decode-error':
      return fail(
        s,
        local,
        `malformed message from the peer: ${e.error.message}`,
        notification(e.error.code, e.error.subcode, e.error.data),
      );
    case 'message':
      return onMessage(s, e.message, local);
  }
}

function onMessage(s: FsmState, m: BgpMessage, local: LocalSession): Step {
  if (m.type === 'notification')
    return fail(s, local, `peer sent NOTIFICATION ${m.code}/${m.subcode}${describe(m)}`);
  const hold = (session: Negotiated): FsmAction[] =>
    session.holdTimeS > 0 ? [{ type: 'start-timer', timer: 'hold', ms: session.holdTimeS * 1000 }] : [];
  if (s.phase === 'open-sent' && m.type === 'open') {
    const n = negotiate(local, m);
    if (!n.ok) return fail(s, local, `peer's OPEN refused: ${n.reason}`, n.notification);
    const keepalive: FsmAction[] =
      n.session.keepaliveS > 0
        ? [{ type: 'start-timer', timer: 'keepalive', ms: n.session.keepaliveS * 1000 }]
        : [];
    return {
      state: { ...s, phase: 'open-confirm', session: n.session },
      actions: [
        { type: 'send', message: { type: 'keepalive' } },
        { type: 'cancel-timer', timer: 'hold' },
        ...hold(n.session),
        ...keepalive,
      ],
    };
  }
  if (s.phase === 'open-confirm' && m.type === 'keepalive' && s.session) {
    return {
      state: { phase: 'established', failures: 0, session: s.session, restarting: false },
      actions: [...hold(s.session), { type: 'established', session: s.session }],
    };
  }
  if (s.phase === 'established' && s.session && m.type !== 'open')
    return { state: s, actions: hold(s.session) };
  const subcode = FSM_ERROR_SUBCODE[s.phase];
  if (subcode === undefined) return { state: s, actions: [] };
  return fail(s, local, `unexpected ${m.type} in ${s.phase}`, notification(ErrorCode.FSM, subcode));
}

/** Cease and OPEN errors say the most to an operator; name the common ones. */
function describe(m: NotificationMessage): string {
  const names: Record<string, string> = {
    '2/2': ' (bad peer AS: check peerASN/myASN)',
    '6/2': ' (administrative shutdown)',
    '6/3': ' (peer de-configured)',
    '6/4': ' (administrative reset)',
    '6/5': ' (connection rejected)',
    '4/0': ' (hold timer expired)',
  };
  return names[`${m.code}/${m.subcode}`] ?? '';
}
