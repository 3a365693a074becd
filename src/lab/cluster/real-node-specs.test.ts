import { describe, expect, it } from 'vitest';
import { labPaths } from './lab-paths.js';
import { labNames } from './names.js';
import type { LabNode } from './node-agents.js';
import {
  containerdSpec,
  kubeletSpec,
  type RealNodeSetup,
  realNodeCgroupRoot,
  realNodeRuntimeOptions,
} from './real-node-specs.js';

const paths = labPaths('/state', '/bin');
const node: LabNode = { name: 'n2', index: 1, ip: '198.18.16.12', podCidr: '198.19.18.0/24', ns: 'blb1-n2' };
const setup: RealNodeSetup = {
  names: labNames(1),
  paths,
  kubeconfig: '/state/kubelet-n2.kubeconfig',
  sandboxImage: 'registry.k8s.io/pause:3.10.2',
  snapshotter: 'overlayfs',
  labRoute: '198.18.0.0/15',
  runcPath: '/usr/sbin/runc',
  cniBinDirs: ['/usr/lib/cni'],
};

describe('real node specs', () => {
  it.each([
    ['containerd', containerdSpec(node, paths), 'containerd-n2', '/bin/containerd'],
    [
      'kubelet',
      kubeletSpec(node, paths, realNodeRuntimeOptions(node, '198.19.18.1', setup)),
      'kubelet-n2',
      '/bin/kubelet',
    ],
  ])('%s runs in the node namespace through nsenter', (_what, spec, name, cmd) => {
    expect(spec).toMatchObject({
      name,
      cmd,
      ns: 'blb1-n2',
      nsenter: true,
      logFile: `/state/logs/${name}.log`,
    });
  });

  it('gives the kubelet its node name, address and own kubeconfig', () => {
    const args = kubeletSpec(node, paths, realNodeRuntimeOptions(node, '198.19.18.1', setup)).args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--hostname-override=n2',
        '--node-ip=198.18.16.12',
        '--kubeconfig=/state/kubelet-n2.kubeconfig',
        '--root-dir=/state/nodes/n2/kubelet',
      ]),
    );
  });

  it.each([
    [0, 'n1', '/blb0-n1'],
    [7, 'n3', '/blb7-n3'],
  ])('lab %i node %s has cgroup root %s', (index, n, want) => {
    expect(realNodeCgroupRoot(labNames(index), n)).toBe(want);
  });
});
