import { describe, expect, it } from 'vitest';
import { cacheKey, relist, type Versioned, watchEvent } from './informer-cache.js';

const o = (name: string, rv: string, namespace?: string): Versioned => ({
  metadata: { name, resourceVersion: rv, ...(namespace ? { namespace } : {}) },
});
const cache = (...objs: Versioned[]) => new Map(objs.map((x) => [cacheKey(x), x]));
const summary = (events: { type: string; obj: Versioned }[]) =>
  events.map((e) => `${e.type} ${cacheKey(e.obj)}@${e.obj.metadata?.resourceVersion}`);

describe('cacheKey', () => {
  it.each([
    { obj: o('a', '1', 'ns'), want: 'ns/a' },
    { obj: o('node-1', '1'), want: 'node-1' },
  ])('$want', ({ obj, want }) => expect(cacheKey(obj)).toBe(want));
});

describe('relist', () => {
  it.each([
    {
      name: 'first list: all adds',
      before: cache(),
      items: [o('a', '1'), o('b', '2')],
      want: ['add a@1', 'add b@2'],
    },
    { name: 'nothing moved: no events', before: cache(o('a', '1')), items: [o('a', '1')], want: [] },
    {
      name: 'a newer version: an update',
      before: cache(o('a', '1')),
      items: [o('a', '5')],
      want: ['update a@5'],
    },
    {
      // After 410 Gone the watch missed these deletions; handlers still hear of them.
      name: 'vanished while the watch was down: deletes, with the last known object',
      before: cache(o('a', '1'), o('b', '2', 'ns')),
      items: [o('c', '9')],
      want: ['add c@9', 'delete a@1', 'delete ns/b@2'],
    },
  ])('$name', ({ before, items, want }) => {
    const { next, events } = relist(before, items);
    expect(summary(events)).toEqual(want);
    expect([...next.keys()]).toEqual(items.map(cacheKey));
  });
});

describe('watchEvent', () => {
  it.each([
    { type: 'ADDED', before: cache(), want: 'add a@2' },
    { type: 'ADDED', before: cache(o('a', '1')), want: 'update a@2' },
    { type: 'MODIFIED', before: cache(o('a', '1')), want: 'update a@2' },
    { type: 'MODIFIED', before: cache(), want: 'add a@2' },
    { type: 'DELETED', before: cache(o('a', '1')), want: 'delete a@2' },
    { type: 'BOOKMARK', before: cache(), want: undefined },
  ])('$type with $before.size cached -> $want', ({ type, before, want }) => {
    const e = watchEvent(before, type, o('a', '2'));
    expect(e ? summary([e])[0] : undefined).toBe(want);
  });
});
