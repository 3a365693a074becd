import { describe, expect, it } from 'vitest';
import { LIST_PAGE_SIZE, listPageQuery } from './resilient-informer.js';

describe('listPageQuery', () => {
  it.each<{ name: string; size: number; token: string | undefined; want: string }>([
    { name: 'the first page', size: LIST_PAGE_SIZE, token: undefined, want: 'limit=500' },
    { name: 'an empty token is no token', size: 2, token: '', want: 'limit=2' },
    {
      name: 'a next page carries the token, escaped',
      size: 500,
      token: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ==',
      want: 'limit=500&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ%3D%3D',
    },
  ])('$name', ({ size, token, want }) => {
    expect(listPageQuery(size, token)).toBe(want);
  });
});
