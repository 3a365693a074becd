import { describe, expect, it } from 'vitest';
import { mountsUnder } from './mounts.js';

const line = (target: string) => `36 35 98:0 / ${target} rw,noatime master:1 - ext3 /dev/root rw`;

describe('mountsUnder', () => {
  it.each([
    ['none', [line('/'), line('/proc')], '/lab/nodes', []],
    [
      'deepest first',
      [line('/lab/nodes/n1/a'), line('/lab/nodes/n1/a/b/c'), line('/lab/nodes/n2/x/y')],
      '/lab/nodes',
      ['/lab/nodes/n1/a/b/c', '/lab/nodes/n2/x/y', '/lab/nodes/n1/a'],
    ],
    ['not a sibling with the same prefix', [line('/lab/nodes2/a')], '/lab/nodes', []],
    ['a trailing slash on dir', [line('/lab/nodes/n1')], '/lab/nodes/', ['/lab/nodes/n1']],
    ['escaped spaces', [line('/lab/nodes/a\\040b')], '/lab/nodes', ['/lab/nodes/a b']],
    [
      'a mount stacked twice, once',
      [line('/lab/nodes/m'), line('/lab/nodes/m')],
      '/lab/nodes',
      ['/lab/nodes/m'],
    ],
  ])('%s', (_name, lines, dir, want) => {
    expect(mountsUnder(lines.join('\n'), dir)).toEqual(want);
  });
});
