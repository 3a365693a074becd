/**
 * What a BGP session's state changes tell the operator (pure): the BGPSessionStatus object of each
 * (peer, node), the Event, and which statuses are stale. The session reports every step (connecting,
 * down, connecting again after its backoff); the operator needs "up", or "down, and why", so a peer
 * that stays unreachable costs one status write and one Event, not one per retry.
 */
import { createHash } from 'node:crypto';
import type { PeerState } from '../bgp/bgp-speaker.js';
import { API_VERSION, BGP_SESSION_STATUS, type BgpSessionStatusStatus } from '../config/crd-types.js';

export type SessionStateName = NonNullable<BgpSessionStatusStatus['state']>;

/**
 * One session as reported: its state, why (for Down and Refused) or on what terms (Established:
 * the peer's AS and the timers agreed), and since when.
 */
export interface SessionView {
  readonly state: SessionStateName;
  readonly reason: string;
  /** RFC 3339: when it last went in or out of Established (the condition's lastTransitionTime). */
  readonly since: string;
}

export interface SessionEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: 'BGPSessionEstablished' | 'BGPSessionDown' | 'BGPSessionFailed' | 'BGPPeerRefused';
  readonly message: string;
}

export interface SessionTransition {
  readonly next: SessionView;
  /** The status object should be written: the state or its reason changed. */
  readonly changed: boolean;
  readonly event: SessionEvent | undefined;
}

const NAMES: Record<PeerState, SessionStateName> = {
  connecting: 'Connecting',
  established: 'Established',
  down: 'Down',
  refused: 'Refused',
};

/** The view after the session reports `state`, and what to tell about it. */
export function sessionTransition(
  prev: SessionView | undefined,
  state: PeerState,
  reason: string,
  node: string,
  nowIso: string,
): SessionTransition {
  // A retry after a failure is not news: the status keeps saying why the last attempt failed.
  if (state === 'connecting' && prev?.state === 'Down')
    return { next: prev, changed: false, event: undefined };
  const name = NAMES[state];
  // Connecting may say something worth knowing while it lasts (a TCP MD5 password to check), and
  // Established says what was agreed (with dynamicASN, which AS the peer turned out to be in).
  const why = reason;
  if (prev && prev.state === name && prev.reason === why)
    return { next: prev, changed: false, event: undefined };
  const wasUp = prev?.state === 'Established';
  const since = prev === undefined || wasUp !== (name === 'Established') ? nowIso : prev.since;
  const next: SessionView = { state: name, reason: why, since };
  return { next, changed: true, event: eventFor(name, wasUp, why, node) };
}

function eventFor(
  state: SessionStateName,
  wasUp: boolean,
  why: string,
  node: string,
): SessionEvent | undefined {
  switch (state) {
    case 'Established':
      return {
        type: 'Normal',
        reason: 'BGPSessionEstablished',
        message: `session from node ${node} is up${why ? ` (${why})` : ''}`,
      };
    case 'Down':
      return wasUp
        ? {
            type: 'Warning',
            reason: 'BGPSessionDown',
            message: `session from node ${node} went down: ${why}`,
          }
        : {
            type: 'Warning',
            reason: 'BGPSessionFailed',
            message: `session from node ${node} failed: ${why}`,
          };
    case 'Refused':
      return { type: 'Warning', reason: 'BGPPeerRefused', message: `node ${node} will not open it: ${why}` };
    case 'Connecting':
      return undefined;
  }
}

/**
 * `<peer>-<node>`: both are DNS-1123 subdomains, so the result is one. Past the 253 characters a name
 * may have, the end becomes a hash of the pair, so two long pairs still get two objects.
 */
export function sessionStatusName(peer: string, node: string): string {
  const name = `${peer}-${node}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(`${peer}\n${node}`).digest('hex').slice(0, 16);
  return `${name.slice(0, MAX_NAME - hash.length - 1).replace(/[.-]+$/, '')}-${hash}`;
}

const MAX_NAME = 253;

/** The BGPSessionStatus object for one (peer, node), with its Established condition. */
/** A BGPSessionStatus object as written: what putOrCreate takes. */
export interface SessionStatusObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly status: BgpSessionStatusStatus;
  readonly [field: string]: unknown;
}

export function sessionStatusObject(
  namespace: string,
  peer: string,
  peerAddress: string,
  node: string,
  v: SessionView,
): SessionStatusObject {
  const up = v.state === 'Established';
  const status: BgpSessionStatusStatus = {
    node,
    peer,
    peerAddress,
    state: v.state,
    conditions: [
      {
        type: 'Established',
        status: up ? 'True' : v.state === 'Connecting' ? 'Unknown' : 'False',
        lastTransitionTime: v.since,
        reason: up
          ? 'Established'
          : v.state === 'Refused'
            ? 'Refused'
            : v.state === 'Down'
              ? 'SessionDown'
              : 'Connecting',
        message: up
          ? `the BGP session is up${v.reason ? `: ${v.reason}` : ''}`
          : v.reason || 'connecting to the peer',
      },
    ],
  };
  return {
    apiVersion: API_VERSION,
    kind: BGP_SESSION_STATUS.kind,
    metadata: {
      name: sessionStatusName(peer, node),
      namespace,
    },
    status,
  };
}

/** This node's statuses for peers it no longer holds a session with: to delete. */
export function staleSessionStatuses(
  statuses: readonly {
    readonly name: string;
    readonly node: string | undefined;
    readonly peer: string | undefined;
  }[],
  node: string,
  sessions: ReadonlySet<string>,
): string[] {
  return statuses
    .filter((s) => s.node === node && (s.peer === undefined || !sessions.has(s.peer)))
    .map((s) => s.name);
}

/**
 * Whether the previous speaker on this node left sessions up: then this one has restarted, and its
 * sessions open with graceful restart's R bit (RFC 4724), so the peer keeps forwarding to this node
 * until the End-of-RIB rather than waiting for one it may never get.
 */
export function restartedWithSessions(
  statuses: readonly { readonly node: string | undefined; readonly state: string | undefined }[],
  node: string,
): boolean {
  return statuses.some((s) => s.node === node && s.state === 'Established');
}
