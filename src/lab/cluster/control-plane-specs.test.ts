import { describe, expect, it } from 'vitest';
import { labAddresses } from './addressing.js';
import {
  apiserverSpec,
  controllerManagerSpec,
  labControllers,
  type NodeTiming,
  nodeTimingFrom,
  schedulerSpec,
} from './control-plane-specs.js';
import { labPaths } from './lab-paths.js';
import { labNames } from './names.js';

const names = labNames(0);
const paths = labPaths('/state', '/bin');
const REAL_ONLY = [
  'daemonset-controller',
  'node-lifecycle-controller',
  'taint-eviction-controller',
  'pod-garbage-collector-controller',
];

describe('labControllers', () => {
  it.each([
    ['host-process nodes: no node lifecycle (nothing posts heartbeats)', false, []],
    ['real nodes: what kubelet-run pods need', true, REAL_ONLY],
  ])('%s', (_name, real, want) => {
    expect(labControllers(real).filter((c) => REAL_ONLY.includes(c))).toEqual(want);
  });

  it('are spelled as kube-controller-manager 1.37 names them (<name>-controller)', () => {
    const known = /^[a-z]+(-[a-z]+)*-controller$/;
    for (const c of labControllers(true)) expect(c).toMatch(known);
  });
});

describe('controllerManagerSpec', () => {
  it.each<[boolean, NodeTiming, string[]]>([
    [false, 'lab', []],
    [true, 'lab', ['--node-monitor-grace-period=16s', '--node-monitor-period=2s']],
    [true, 'kubernetes', []],
  ])('real nodes %s, timing %s: node monitor flags %j', (real, timing, want) => {
    const args = controllerManagerSpec(names, paths, real, timing).args.filter((a) =>
      a.startsWith('--node-monitor'),
    );
    expect(args).toEqual(want);
  });
});

describe('nodeTimingFrom', () => {
  it.each<[string | undefined, NodeTiming]>([
    [undefined, 'lab'],
    ['kubernetes', 'kubernetes'],
    ['fast', 'lab'],
  ])('BARELB_LAB_NODE_TIMING=%s → %s', (v, want) => {
    expect(nodeTimingFrom({ BARELB_LAB_NODE_TIMING: v })).toBe(want);
  });
});

describe('apiserverSpec', () => {
  it('reaches kubelets at their lab address, never by hostname through the host resolver', () => {
    expect(apiserverSpec(names, labAddresses(0, 2), paths).args).toContain(
      '--kubelet-preferred-address-types=InternalIP',
    );
  });
});

describe('schedulerSpec', () => {
  it('runs in the control-plane namespace with its own kubeconfig', () => {
    const s = schedulerSpec(names, paths);
    expect(s).toMatchObject({ name: 'kube-scheduler', ns: 'blb0-cp', cmd: '/bin/kube-scheduler' });
    expect(s.args).toContain('--kubeconfig=/state/kube-scheduler.kubeconfig');
  });
});
