import { describe, expect, it } from 'vitest';
import { sessionChanges } from './session-changes.js';

const m = (o: Record<string, string>) => new Map(Object.entries(o));

describe('sessionChanges', () => {
  it.each([
    {
      name: 'nothing running: start all',
      running: {},
      wanted: { a: '1', b: '1' },
      stop: [],
      start: ['a', 'b'],
    },
    { name: 'unchanged: nothing', running: { a: '1' }, wanted: { a: '1' }, stop: [], start: [] },
    { name: 'settings changed: restart', running: { a: '1' }, wanted: { a: '2' }, stop: ['a'], start: ['a'] },
    { name: 'peer gone: stop', running: { a: '1', b: '1' }, wanted: { b: '1' }, stop: ['a'], start: [] },
    { name: 'all gone', running: { a: '1' }, wanted: {}, stop: ['a'], start: [] },
  ])('$name', ({ running, wanted, stop, start }) => {
    expect(sessionChanges(m(running), m(wanted))).toEqual({ stop, start });
  });
});
