import { describe, expect, it } from 'vitest';
import { labIndexOfNamespace, labNames, nodeName } from './names.js';

describe('labNames', () => {
  it.each([
    [0, 'blb0-cp', 'blb0-client', 'blb0-host', 'blb0-n2', 'blb0-pod-default-web'],
    [12, 'blb12-cp', 'blb12-client', 'blb12-host', 'blb12-n2', 'blb12-pod-default-web'],
  ])('lab %i: %s %s %s %s %s', (index, cp, client, host, n2, pod) => {
    const n = labNames(index);
    expect([n.cpNs, n.clientNs, n.hostLink, n.nodeNs('n2'), n.podNs('default-web')]).toEqual([
      cp,
      client,
      host,
      n2,
      pod,
    ]);
  });

  it('keeps the host link, which lives in the root namespace, within Linux’s 15 characters', () => {
    expect(labNames(15).hostLink.length).toBeLessThanOrEqual(15);
  });
});

describe('labIndexOfNamespace', () => {
  it.each([
    ['blb0-cp', 0],
    ['blb12-n3', 12],
    ['blb3-pod-default-demo-n1-1', 3],
    ['cni-1234', undefined],
    ['blb-cp', undefined],
    ['xblb1-cp', undefined],
  ])('%s belongs to lab %s', (ns, index) => {
    expect(labIndexOfNamespace(ns)).toBe(index);
  });
});

it.each([
  [1, 'n1'],
  [14, 'n14'],
])('node %i is named %s', (n, name) => {
  expect(nodeName(n)).toBe(name);
});
