import { describe, expect, it } from 'vitest';
import { subcommandOf } from './early-stop.js';

describe('subcommandOf', () => {
  it.each<{ argv: string[]; want: string | undefined }>([
    { argv: ['node', '/app/dist/bin/barelb.js', 'speaker'], want: 'speaker' },
    { argv: ['node', 'main.js', 'controller', '--workers', '4'], want: 'controller' },
    { argv: ['node', 'main.js', '--version'], want: undefined },
    { argv: ['node', 'main.js', 'lab', 'up'], want: 'lab' },
  ])('$argv', ({ argv, want }) => {
    expect(subcommandOf(argv)).toBe(want);
  });
});
