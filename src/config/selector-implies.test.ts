import { describe, expect, it } from 'vitest';
import type { LabelSelector } from './label-selector.js';
import { selectorImplies, selectorsImply } from './selector-implies.js';

const CASES: readonly { name: string; narrow: LabelSelector; wide: LabelSelector; want: boolean }[] = [
  {
    name: 'equal matchLabels',
    narrow: { matchLabels: { a: '1' } },
    wide: { matchLabels: { a: '1' } },
    want: true,
  },
  {
    name: 'more labels are narrower',
    narrow: { matchLabels: { a: '1', b: '2' } },
    wide: { matchLabels: { a: '1' } },
    want: true,
  },
  {
    name: 'fewer labels are wider',
    narrow: { matchLabels: { a: '1' } },
    wide: { matchLabels: { a: '1', b: '2' } },
    want: false,
  },
  {
    name: 'another value',
    narrow: { matchLabels: { a: '1' } },
    wide: { matchLabels: { a: '2' } },
    want: false,
  },
  {
    name: 'matchLabels implies In with that value',
    narrow: { matchLabels: { a: '1' } },
    wide: { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] },
    want: true,
  },
  {
    name: 'In with one value implies matchLabels',
    narrow: { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] },
    wide: { matchLabels: { a: '1' } },
    want: true,
  },
  {
    name: 'In with two values does not imply one',
    narrow: { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] },
    wide: { matchLabels: { a: '1' } },
    want: false,
  },
  {
    name: 'In implies Exists',
    narrow: { matchLabels: { a: '1' } },
    wide: { matchExpressions: [{ key: 'a', operator: 'Exists' }] },
    want: true,
  },
  {
    name: 'Exists does not imply In',
    narrow: { matchExpressions: [{ key: 'a', operator: 'Exists' }] },
    wide: { matchLabels: { a: '1' } },
    want: false,
  },
  {
    name: 'In outside the NotIn values implies NotIn',
    narrow: { matchLabels: { a: '1' } },
    wide: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] },
    want: true,
  },
  {
    name: 'In a NotIn value does not',
    narrow: { matchLabels: { a: '2' } },
    wide: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] },
    want: false,
  },
  {
    name: 'NotIn more values implies NotIn fewer',
    narrow: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1', '2'] }] },
    wide: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] },
    want: true,
  },
  {
    name: 'DoesNotExist implies NotIn',
    narrow: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] },
    wide: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] },
    want: true,
  },
  {
    name: 'DoesNotExist does not imply Exists',
    narrow: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] },
    wide: { matchExpressions: [{ key: 'a', operator: 'Exists' }] },
    want: false,
  },
  { name: 'anything implies the empty selector', narrow: { matchLabels: { a: '1' } }, wide: {}, want: true },
  {
    name: 'the empty selector implies only the empty one',
    narrow: {},
    wide: { matchLabels: { a: '1' } },
    want: false,
  },
  {
    name: 'a requirement on another key proves nothing',
    narrow: { matchLabels: { b: '1' } },
    wide: { matchLabels: { a: '1' } },
    want: false,
  },
];

describe('selectorImplies', () => {
  it.each(CASES)('$name', (c) => {
    expect(selectorImplies(c.narrow, c.wide)).toBe(c.want);
  });
});

describe('selectorsImply (any of a list)', () => {
  const a = { matchLabels: { a: '1' } };
  const b = { matchLabels: { b: '1' } };
  it.each([
    { name: 'each narrow one by some wide one', narrow: [a, b], wide: [b, a], want: true },
    { name: 'one narrow one by none', narrow: [a, b], wide: [a], want: false },
    { name: 'an empty narrow list', narrow: [], wide: [a], want: true },
    { name: 'an empty wide list', narrow: [a], wide: [], want: false },
  ])('$name', (c) => {
    expect(selectorsImply(c.narrow, c.wide)).toBe(c.want);
  });
});
