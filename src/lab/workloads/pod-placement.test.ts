import { describe, expect, it } from 'vitest';
import { podPlacement } from './pod-placement.js';

describe('podPlacement', () => {
  it.each([
    ['no nodes', [], []],
    ['one pod per node', ['n1', 'n2'], ['web-n1-1@n1', 'web-n2-1@n2']],
    [
      'counts per node',
      ['n1', 'n1', 'n2', 'n1'],
      ['web-n1-1@n1', 'web-n1-2@n1', 'web-n2-1@n2', 'web-n1-3@n1'],
    ],
  ])('%s', (_what, podsOn, pods) => {
    expect(podPlacement('web', podsOn).map((p) => `${p.name}@${p.node}`)).toEqual(pods);
  });
});
