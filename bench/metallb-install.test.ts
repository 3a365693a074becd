import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { manifestForHostProcesses, metallbPoolManifest } from './metallb-install.js';

const kinds = (yaml: string) =>
  parseAllDocuments(yaml).map((d) => (d.toJSON() as { kind?: string } | null)?.kind ?? null);

describe('manifestForHostProcesses', () => {
  it.each<{ name: string; manifest: string; want: (string | null)[] }>([
    {
      name: 'keeps CRDs, RBAC and the namespace; drops the workloads and the webhook',
      manifest: [
        'kind: Namespace\nmetadata: {name: metallb-system}',
        'kind: CustomResourceDefinition\nmetadata: {name: ipaddresspools.metallb.io}',
        'kind: ClusterRole\nmetadata: {name: metallb-system:speaker}',
        'kind: Deployment\nmetadata: {name: controller}',
        'kind: DaemonSet\nmetadata: {name: speaker}',
        'kind: ValidatingWebhookConfiguration\nmetadata: {name: metallb-webhook-configuration}',
        'kind: Secret\nmetadata: {name: metallb-webhook-cert}',
      ].join('\n---\n'),
      want: ['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'Secret'],
    },
    {
      name: 'skips empty documents',
      manifest: '---\nkind: Namespace\nmetadata: {name: x}\n---\n',
      want: ['Namespace'],
    },
  ])('$name', ({ manifest, want }) => {
    expect(kinds(manifestForHostProcesses(manifest))).toEqual(want);
  });
});

describe('metallbPoolManifest', () => {
  it('gives the bulk pool to its namespace only, and advertises both pools', () => {
    const docs = parseAllDocuments(
      metallbPoolManifest({
        segment: '198.18.0.100-198.18.0.199',
        bulk: { cidr: '198.18.8.0/22', namespace: 'bulk-metallb' },
      }),
    ).map((d) => d.toJSON());
    expect(docs).toEqual([
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'segment', namespace: 'metallb-system' },
        spec: { addresses: ['198.18.0.100-198.18.0.199'] },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'bulk', namespace: 'metallb-system' },
        spec: {
          addresses: ['198.18.8.0/22'],
          serviceAllocation: { priority: 1, namespaces: ['bulk-metallb'] },
        },
      },
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: 'bench', namespace: 'metallb-system' },
        spec: { ipAddressPools: ['segment', 'bulk'] },
      },
    ]);
  });
});
