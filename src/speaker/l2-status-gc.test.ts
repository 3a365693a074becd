import { describe, expect, it } from 'vitest';
import { type L2StatusObject, l2StatusesToDelete } from './l2-status-gc.js';

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
    expect(l2StatusesToDelete({ objects, announced: new Set(announced), self, alive })).toEqual(want);
  });
});
