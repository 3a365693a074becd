import { describe, expect, it } from 'vitest';
import { deploymentBody } from './deployment-body.js';

describe('deploymentBody', () => {
  const d = deploymentBody({
    name: 'demo',
    namespace: 'default',
    image: 'localhost/podserver:dev',
    replicas: 2,
  });
  const pod = d.spec?.template.spec;
  const c = pod?.containers[0];

  it.each([
    ['selects its own pods', d.spec?.selector.matchLabels, { app: 'demo' }],
    ['labels its pods as a Service selects them', d.spec?.template.metadata?.labels, { app: 'demo' }],
    ['has the replicas asked for', d.spec?.replicas, 2],
    ['runs the local image', c?.image, 'localhost/podserver:dev'],
    [
      'leaves the pull policy to its default (IfNotPresent for a non-latest tag)',
      c?.imagePullPolicy,
      undefined,
    ],
    [
      'passes pod and node names from the downward API',
      c?.env?.map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]),
      [
        ['POD_NAME', 'metadata.name'],
        ['NODE_NAME', 'spec.nodeName'],
      ],
    ],
    ['probes the podserver', c?.readinessProbe?.httpGet?.port, 8080],
    ['spreads over nodes', pod?.topologySpreadConstraints?.[0]?.topologyKey, 'kubernetes.io/hostname'],
  ])('%s', (_name, got, want) => {
    expect(got).toEqual(want);
  });
});

describe('deploymentBody pinned to a node', () => {
  const d = deploymentBody({
    name: 'local-n2-1',
    namespace: 'default',
    image: 'localhost/podserver:dev',
    replicas: 1,
    pinned: { node: 'n2', labels: { app: 'local' } },
  });
  const pod = d.spec?.template.spec;
  it.each([
    ['selects only its own pod', d.spec?.selector.matchLabels, { 'lab.barelb.io/pod': 'local-n2-1' }],
    [
      "labels it as the workload's Service selects it",
      d.spec?.template.metadata?.labels,
      { app: 'local', 'lab.barelb.io/pod': 'local-n2-1' },
    ],
    ['asks kube-scheduler for the node', pod?.nodeSelector, { 'kubernetes.io/hostname': 'n2' }],
    ['has no spread constraint', pod?.topologySpreadConstraints, undefined],
  ])('%s', (_name, got, want) => {
    expect(got).toEqual(want);
  });
});
