import { describe, expect, it } from 'vitest';
import { SpecChanges } from './spec-changes.js';

const obj = (uid?: string, generation?: number) => ({
  metadata: { ...(uid ? { uid } : {}), ...(generation !== undefined ? { generation } : {}) },
});

describe('SpecChanges', () => {
  it.each([
    { name: 'first sight is a change', seen: [], next: obj('a', 1), want: true },
    { name: 'same generation (a status write) is not', seen: [obj('a', 1)], next: obj('a', 1), want: false },
    { name: 'a new generation is', seen: [obj('a', 1)], next: obj('a', 2), want: true },
    { name: 'another uid under the same name is', seen: [obj('a', 1)], next: obj('b', 1), want: true },
    { name: 'no generation always is', seen: [obj('a')], next: obj('a'), want: true },
    { name: 'no uid always is', seen: [obj(undefined, 1)], next: obj(undefined, 1), want: true },
  ])('$name', ({ seen, next, want }) => {
    const s = new SpecChanges();
    for (const o of seen) s.changed(o);
    expect(s.changed(next)).toBe(want);
  });

  it('counts an object as new again once forgotten (deleted)', () => {
    const s = new SpecChanges();
    expect(s.changed(obj('a', 1))).toBe(true);
    s.forget(obj('a', 1));
    expect(s.changed(obj('a', 1))).toBe(true);
    expect(s.changed(obj('a', 1))).toBe(false);
  });
});
