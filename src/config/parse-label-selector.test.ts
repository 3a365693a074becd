import { describe, expect, it } from 'vitest';
import { type ErrorSink, formatConfigError } from './config-error.js';
import { parseLabelSelector, parseLabelSelectors } from './parse-label-selector.js';
import type { ConfigError } from './types.js';

function run<T>(fn: (sink: ErrorSink) => T): { value: T; errors: string[] } {
  const errors: ConfigError[] = [];
  const sink: ErrorSink = {
    add: (path, reason, message) => errors.push({ kind: 'IPAddressPool', name: 'p', path, reason, message }),
  };
  const value = fn(sink);
  return { value, errors: errors.map(formatConfigError) };
}

const P = 'pool "p": s';

describe('parseLabelSelector', () => {
  const bad: { name: string; selector: unknown; want: string[] }[] = [
    { name: 'null', selector: null, want: [`${P}: want a label selector object, got null`] },
    { name: 'a list', selector: [], want: [`${P}: want a label selector object, got a list`] },
    {
      name: 'matchLabels a list',
      selector: { matchLabels: [] },
      want: [`${P}.matchLabels: want a map of strings, got a list`],
    },
    {
      name: 'matchLabels value not a string',
      selector: { matchLabels: { a: true } },
      want: [`${P}.matchLabels: label "a": want a string value, got boolean`],
    },
    {
      name: 'matchLabels bad key',
      selector: { matchLabels: { '-a': 'x' } },
      want: [
        `${P}.matchLabels: label key "-a" must be alphanumerics, '-', '_' or '.', starting and ending alphanumeric`,
      ],
    },
    {
      name: 'matchLabels bad key prefix',
      selector: { matchLabels: { 'Example.com/a': 'x' } },
      want: [`${P}.matchLabels: label key prefix "Example.com" is not a lowercase RFC 1123 subdomain`],
    },
    {
      name: 'matchLabels two slashes',
      selector: { matchLabels: { 'a/b/c': 'x' } },
      want: [`${P}.matchLabels: label key "a/b/c" has more than one "/"`],
    },
    {
      name: 'matchLabels bad value',
      selector: { matchLabels: { a: 'x y' } },
      want: [
        `${P}.matchLabels: label value "x y" must be alphanumerics, '-', '_' or '.', starting and ending alphanumeric`,
      ],
    },
    {
      name: 'matchLabels value too long',
      selector: { matchLabels: { a: 'x'.repeat(64) } },
      want: [`${P}.matchLabels: label value "${'x'.repeat(64)}" is longer than 63 characters`],
    },
    {
      name: 'matchExpressions not a list',
      selector: { matchExpressions: {} },
      want: [`${P}.matchExpressions: want a list, got an object`],
    },
    {
      name: 'requirement not an object',
      selector: { matchExpressions: ['a'] },
      want: [`${P}.matchExpressions[0]: want a requirement object, got string`],
    },
    {
      name: 'requirement without key and operator',
      selector: { matchExpressions: [{}] },
      want: [
        `${P}.matchExpressions[0].key: key is required`,
        `${P}.matchExpressions[0].operator: operator is required`,
      ],
    },
    {
      name: 'unknown operator',
      selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      want: [
        `${P}.matchExpressions[0].operator: operator must be one of In, NotIn, Exists, DoesNotExist, got "Gt"`,
      ],
    },
    {
      name: 'operator in lower case',
      selector: { matchExpressions: [{ key: 'a', operator: 'in', values: ['1'] }] },
      want: [
        `${P}.matchExpressions[0].operator: operator must be one of In, NotIn, Exists, DoesNotExist, got "in"`,
      ],
    },
    {
      name: 'In without values',
      selector: { matchExpressions: [{ key: 'a', operator: 'In' }] },
      want: [`${P}.matchExpressions[0].values: values must be non-empty when operator is In`],
    },
    {
      name: 'NotIn with empty values',
      selector: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
      want: [`${P}.matchExpressions[0].values: values must be non-empty when operator is NotIn`],
    },
    {
      name: 'Exists with values',
      selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      want: [`${P}.matchExpressions[0].values: values must be empty when operator is Exists`],
    },
    {
      name: 'DoesNotExist with values',
      selector: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] },
      want: [`${P}.matchExpressions[0].values: values must be empty when operator is DoesNotExist`],
    },
    {
      name: 'values not a list',
      selector: { matchExpressions: [{ key: 'a', operator: 'In', values: 'x' }] },
      want: [
        `${P}.matchExpressions[0].values: want a list of strings, got string`,
        `${P}.matchExpressions[0].values: values must be non-empty when operator is In`,
      ],
    },
    {
      name: 'value not a string',
      selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] },
      want: [`${P}.matchExpressions[0].values[0]: want a string, got number`],
    },
    {
      name: 'second requirement bad',
      selector: {
        matchExpressions: [
          { key: 'a', operator: 'Exists' },
          { key: 'b c', operator: 'Exists' },
        ],
      },
      want: [
        `${P}.matchExpressions[1].key: label key "b c" must be alphanumerics, '-', '_' or '.', starting and ending alphanumeric`,
      ],
    },
  ];
  it.each(bad)('refuses $name', ({ selector, want }) => {
    const { value, errors } = run((sink) => parseLabelSelector(selector, 's', sink));
    expect(errors).toEqual(want);
    expect(value).toBeUndefined();
    expect(want.length).toBeGreaterThan(0);
  });

  const good: { name: string; selector: unknown; want: unknown }[] = [
    { name: 'empty selector (matches everything)', selector: {}, want: {} },
    { name: 'null fields', selector: { matchLabels: null, matchExpressions: null }, want: {} },
    {
      name: 'prefixed key and empty value',
      selector: { matchLabels: { 'barelb.io/tier': '' } },
      want: { matchLabels: { 'barelb.io/tier': '' } },
    },
    {
      name: 'Exists with empty values list (apimachinery allows it)',
      selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }] },
      want: { matchExpressions: [{ key: 'a', operator: 'Exists' }] },
    },
    {
      name: 'both parts',
      selector: {
        matchLabels: { a: 'b' },
        matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['d', 'e'] }],
      },
      want: {
        matchLabels: { a: 'b' },
        matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['d', 'e'] }],
      },
    },
  ];
  it.each(good)('accepts $name', ({ selector, want }) => {
    const { value, errors } = run((sink) => parseLabelSelector(selector, 's', sink));
    expect(errors).toEqual([]);
    expect(value).toEqual(want);
  });
});

describe('parseLabelSelectors', () => {
  it('is empty when absent', () => {
    expect(run((sink) => parseLabelSelectors(undefined, 's', sink))).toEqual({ value: [], errors: [] });
  });
  it('reports each bad entry with its index and keeps the good ones', () => {
    const { value, errors } = run((sink) => parseLabelSelectors([{ matchLabels: { a: 'b' } }, 7], 's', sink));
    expect(errors).toEqual([`${P}[1]: want a label selector object, got number`]);
    expect(value).toEqual([{ matchLabels: { a: 'b' } }]);
  });
  it('refuses a non-list', () => {
    expect(run((sink) => parseLabelSelectors('a=b', 's', sink)).errors).toEqual([
      `${P}: want a list of label selectors, got string`,
    ]);
  });
});
