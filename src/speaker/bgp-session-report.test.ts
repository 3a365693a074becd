import { describe, expect, it } from 'vitest';
import {
  restartedWithSessions,
  type SessionView,
  sessionStatusName,
  sessionStatusObject,
  sessionTransition,
  staleSessionStatuses,
} from './bgp-session-report.js';

const T0 = '2026-12-03T10:00:00.000Z';
const T1 = '2026-12-03T10:00:05.000Z';
const view = (state: SessionView['state'], reason = '', since = T0): SessionView => ({
  state,
  reason,
  since,
});

describe('sessionTransition', () => {
  it.each([
    {
      name: 'first report: connecting',
      prev: undefined,
      state: 'connecting' as const,
      reason: '',
      want: { next: view('Connecting', '', T1), changed: true, event: undefined },
    },
    {
      name: 'connecting with a hint keeps it for the status message',
      prev: view('Established'),
      state: 'connecting' as const,
      reason: 'check the TCP MD5 password',
      want: { next: view('Connecting', 'check the TCP MD5 password', T1), changed: true, event: undefined },
    },
    {
      name: 'connecting -> established: Normal event, new since',
      prev: view('Connecting'),
      state: 'established' as const,
      reason: '',
      want: {
        next: view('Established', '', T1),
        changed: true,
        event: { type: 'Normal', reason: 'BGPSessionEstablished', message: 'session from node n1 is up' },
      },
    },
    {
      name: 'connecting -> established with the agreed terms: said in the Event and kept for the status',
      prev: view('Connecting'),
      state: 'established' as const,
      reason: 'peer AS 65000, hold time 9s, keepalive 3s',
      want: {
        next: view('Established', 'peer AS 65000, hold time 9s, keepalive 3s', T1),
        changed: true,
        event: {
          type: 'Normal',
          reason: 'BGPSessionEstablished',
          message: 'session from node n1 is up (peer AS 65000, hold time 9s, keepalive 3s)',
        },
      },
    },
    {
      name: 'established -> down: Warning BGPSessionDown with why, new since',
      prev: view('Established'),
      state: 'down' as const,
      reason: 'hold timer expired',
      want: {
        next: view('Down', 'hold timer expired', T1),
        changed: true,
        event: {
          type: 'Warning',
          reason: 'BGPSessionDown',
          message: 'session from node n1 went down: hold timer expired',
        },
      },
    },
    {
      name: 'connecting -> down (never up): BGPSessionFailed, since kept',
      prev: view('Connecting'),
      state: 'down' as const,
      reason: 'connect ECONNREFUSED',
      want: {
        next: view('Down', 'connect ECONNREFUSED'),
        changed: true,
        event: {
          type: 'Warning',
          reason: 'BGPSessionFailed',
          message: 'session from node n1 failed: connect ECONNREFUSED',
        },
      },
    },
    {
      name: 'a retry after a failure is not news',
      prev: view('Down', 'connect ECONNREFUSED'),
      state: 'connecting' as const,
      reason: '',
      want: { next: view('Down', 'connect ECONNREFUSED'), changed: false, event: undefined },
    },
    {
      name: 'the same failure again: no write, no event',
      prev: view('Down', 'connect ECONNREFUSED'),
      state: 'down' as const,
      reason: 'connect ECONNREFUSED',
      want: { next: view('Down', 'connect ECONNREFUSED'), changed: false, event: undefined },
    },
    {
      name: 'a different failure: written, with its event',
      prev: view('Down', 'connect ECONNREFUSED'),
      state: 'down' as const,
      reason: 'OPEN Message Error/Bad Peer AS',
      want: {
        next: view('Down', 'OPEN Message Error/Bad Peer AS'),
        changed: true,
        event: {
          type: 'Warning',
          reason: 'BGPSessionFailed',
          message: 'session from node n1 failed: OPEN Message Error/Bad Peer AS',
        },
      },
    },
    {
      name: 'refused by a setting',
      prev: undefined,
      state: 'refused' as const,
      reason: 'BFD is not supported yet',
      want: {
        next: view('Refused', 'BFD is not supported yet', T1),
        changed: true,
        event: {
          type: 'Warning',
          reason: 'BGPPeerRefused',
          message: 'node n1 will not open it: BFD is not supported yet',
        },
      },
    },
    {
      name: 'established again: no change',
      prev: view('Established'),
      state: 'established' as const,
      reason: '',
      want: { next: view('Established'), changed: false, event: undefined },
    },
  ])('$name', ({ prev, state, reason, want }) => {
    expect(sessionTransition(prev, state, reason, 'n1', T1)).toEqual(want);
  });
});

describe('sessionStatusObject', () => {
  it.each([
    { v: view('Established'), status: 'True', reason: 'Established', message: 'the BGP session is up' },
    {
      v: view('Established', 'peer AS 65000, hold time 9s, keepalive 3s'),
      status: 'True',
      reason: 'Established',
      message: 'the BGP session is up: peer AS 65000, hold time 9s, keepalive 3s',
    },
    { v: view('Connecting'), status: 'Unknown', reason: 'Connecting', message: 'connecting to the peer' },
    {
      v: view('Down', 'hold timer expired'),
      status: 'False',
      reason: 'SessionDown',
      message: 'hold timer expired',
    },
    {
      v: view('Refused', 'BFD is not supported yet'),
      status: 'False',
      reason: 'Refused',
      message: 'BFD is not supported yet',
    },
  ])('$v.state -> Established=$status ($reason)', ({ v, status, reason, message }) => {
    const o = sessionStatusObject('barelb-system', 'router', '198.18.0.240', 'n1', v);
    expect(o).toMatchObject({
      apiVersion: 'barelb.io/v1alpha1',
      kind: 'BGPSessionStatus',
      metadata: { name: 'router-n1', namespace: 'barelb-system' },
      status: {
        node: 'n1',
        peer: 'router',
        peerAddress: '198.18.0.240',
        state: v.state,
        conditions: [{ type: 'Established', status, reason, message, lastTransitionTime: T0 }],
      },
    });
  });
});

describe('sessionStatusName', () => {
  it.each([
    { peer: 'router', node: 'n1', want: 'router-n1' },
    { peer: 'a'.repeat(200), node: 'b'.repeat(52), want: `${'a'.repeat(200)}-${'b'.repeat(52)}` },
  ])('$peer.length + $node.length chars', ({ peer, node, want }) => {
    expect(sessionStatusName(peer, node)).toBe(want);
  });

  it('hashes the end of a pair past 253 characters, and two such pairs differ', () => {
    const a = sessionStatusName('p'.repeat(200), `${'n'.repeat(100)}1`);
    const b = sessionStatusName('p'.repeat(200), `${'n'.repeat(100)}2`);
    expect(a.length).toBeLessThanOrEqual(253);
    expect(a).toMatch(/^p+-n+-[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });
});

describe('staleSessionStatuses', () => {
  const statuses = [
    { name: 'router-n1', node: 'n1', peer: 'router' },
    { name: 'old-n1', node: 'n1', peer: 'old' },
    { name: 'router-n2', node: 'n2', peer: 'router' },
    { name: 'broken', node: 'n1', peer: undefined },
  ];
  it.each([
    { sessions: ['router'], want: ['old-n1', 'broken'] },
    { sessions: ['router', 'old'], want: ['broken'] },
    { sessions: [], want: ['router-n1', 'old-n1', 'broken'] },
  ])('sessions $sessions -> delete $want (never another node’s)', ({ sessions, want }) => {
    expect(staleSessionStatuses(statuses, 'n1', new Set(sessions))).toEqual(want);
  });
});

describe('restartedWithSessions', () => {
  it.each([
    { statuses: [], want: false },
    { statuses: [{ node: 'n1', state: 'Established' }], want: true },
    { statuses: [{ node: 'n1', state: 'Down' }], want: false },
    { statuses: [{ node: 'n2', state: 'Established' }], want: false },
  ])('$statuses -> $want', ({ statuses, want }) => {
    expect(restartedWithSessions(statuses, 'n1')).toBe(want);
  });
});
