import { describe, expect, it } from 'vitest';
import type { BfdStateName } from './bfd-packet.js';
import { type BfdSignal, bfdSignal } from './bfd-signal.js';

describe('bfdSignal', () => {
  it.each<[BfdStateName | undefined, BfdStateName, BfdStateName, BfdSignal]>([
    // before, now, the peer's state, what BGP hears
    ['Up', 'Down', 'Down', 'path-down'], // the peer said Down (FRR deleting its session says this)
    ['Up', 'Down', 'Up', 'path-down'], // detection time expired: the last word heard was Up
    ['Up', 'Down', 'Init', 'path-down'],
    ['Up', 'Down', 'AdminDown', 'peer-admin-down'], // the peer switched BFD off
    ['Init', 'Down', 'Down', 'none'], // never Up: nothing to take down
    [undefined, 'Down', 'Down', 'none'], // the first state reported
    ['Down', 'Up', 'Up', 'none'],
    ['Up', 'Up', 'Up', 'none'],
    ['Up', 'AdminDown', 'Up', 'none'], // our own AdminDown: the session is being removed anyway
  ])('%s -> %s with the peer %s: %s', (before, now, remote, want) => {
    expect(bfdSignal(before, now, remote)).toBe(want);
  });
});
