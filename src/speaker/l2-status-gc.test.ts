import { describe, expect, it } from 'vitest';
import {
  type L2StatusObject,
  l2StatusesToDelete,
  l2StatusObjects,
  STALE_CONFIRM_MS,
} from './l2-status-gc.js';

const obj = (svc: string, node: string | undefined): L2StatusObject => ({
  name: svc.replace('/', '.'),
  serviceKey: svc,
  node,
});

describe('l2StatusesToDelete', () => {
  it.each([
    {
      name: 'a Service still announced is kept',
      objects: [obj('a/web', 'n1')],
      announced: ['a/web'],
      self: 'n1',
      alive: ['n2'],
      want: [],
    },
    {
      name: 'the named node deletes the status of a gone Service',
      objects: [obj('a/web', 'n1')],
      announced: [],
      self: 'n1',
      alive: ['n2'],
      want: ['a.web'],
    },
    {
      name: 'another live node leaves it to the named node',
      objects: [obj('a/web', 'n2')],
      announced: [],
      self: 'n1',
      alive: ['n2'],
      want: [],
    },
    {
      name: 'the named node is dead: the first live speaker by name deletes',
      objects: [obj('a/web', 'n3')],
      announced: [],
      self: 'n1',
      alive: ['n2'],
      want: ['a.web'],
    },
    {
      name: 'the named node is dead and another live speaker sorts first',
      objects: [obj('a/web', 'n3')],
      announced: [],
      self: 'n2',
      alive: ['n1'],
      want: [],
    },
    {
      name: 'no node named: the first live speaker deletes',
      objects: [obj('a/web', undefined)],
      announced: [],
      self: 'n1',
      alive: [],
      want: ['a.web'],
    },
    {
      name: 'only the stale ones, of several',
      objects: [obj('a/web', 'n1'), obj('a/db', 'n1'), obj('b/x', 'n1')],
      announced: ['a/db'],
      self: 'n1',
      alive: ['n2'],
      want: ['a.web', 'b.x'],
    },
  ])('$name', ({ objects, announced, self, alive, want }) => {
    const input = { objects, announced: new Set(announced), self, alive };
    // First look: nothing yet, only noted; a look STALE_CONFIRM_MS later deletes.
    const first = l2StatusesToDelete({ ...input, staleSince: new Map(), now: 1_000 });
    expect(first.toDelete).toEqual([]);
    expect([...first.staleSince.keys()]).toEqual(want);
    const later = l2StatusesToDelete({
      ...input,
      staleSince: first.staleSince,
      now: 1_000 + STALE_CONFIRM_MS,
    });
    expect(later.toDelete).toEqual(want);
  });

  it('waits the confirmation time, then retries no sooner than that', () => {
    const input = { objects: [obj('a/web', 'n1')], announced: new Set<string>(), self: 'n1', alive: [] };
    const at = (now: number, staleSince: ReadonlyMap<string, number>) =>
      l2StatusesToDelete({ ...input, staleSince, now });
    const t0 = at(0, new Map());
    expect(at(STALE_CONFIRM_MS - 1, t0.staleSince).toDelete).toEqual([]);
    const deleted = at(STALE_CONFIRM_MS, t0.staleSince);
    expect(deleted.toDelete).toEqual(['a.web']);
    // Still there (a failed delete): tried again a full period later, not at once.
    expect(at(STALE_CONFIRM_MS + 1, deleted.staleSince).toDelete).toEqual([]);
    expect(at(2 * STALE_CONFIRM_MS, deleted.staleSince).toDelete).toEqual(['a.web']);
  });

  it('forgets an object once its Service is announced again', () => {
    const base = { objects: [obj('a/web', 'n1')], self: 'n1', alive: [], now: 0 };
    const stale = l2StatusesToDelete({ ...base, announced: new Set(), staleSince: new Map() });
    const back = l2StatusesToDelete({ ...base, announced: new Set(['a/web']), staleSince: stale.staleSince });
    expect(back.staleSince.size).toBe(0);
  });
});

describe('l2StatusObjects', () => {
  it.each([
    {
      name: 'names its Service',
      item: {
        metadata: { name: 'a.web' },
        status: { serviceNamespace: 'a', serviceName: 'web', node: 'n1' },
      },
      want: [{ name: 'a.web', serviceKey: 'a/web', node: 'n1' }],
    },
    { name: 'no status', item: { metadata: { name: 'a.web' } }, want: [] },
    {
      name: 'no Service name',
      item: { metadata: { name: 'x' }, status: { serviceNamespace: 'a' } },
      want: [],
    },
  ])('$name', ({ item, want }) => {
    expect(l2StatusObjects([item])).toEqual(want);
  });
});
