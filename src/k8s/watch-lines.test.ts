import { describe, expect, it } from 'vitest';
import { LineSplitter } from './watch-lines.js';

describe('LineSplitter', () => {
  it.each([
    { name: 'one line per chunk', chunks: ['{"a":1}\n', '{"b":2}\n'], want: [['{"a":1}'], ['{"b":2}']] },
    { name: 'many lines in one chunk', chunks: ['1\n2\n3\n'], want: [['1', '2', '3']] },
    {
      name: 'a line across chunks',
      chunks: ['{"a"', ':1}\n{"b', '":2}\n'],
      want: [[], ['{"a":1}'], ['{"b":2}']],
    },
    { name: 'blank lines skipped', chunks: ['\n1\n\n'], want: [['1']] },
  ])('$name', ({ chunks, want }) => {
    const s = new LineSplitter();
    expect(chunks.map((c) => s.push(c))).toEqual(want);
  });
});
