import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildConfig, formatConfigError } from '../config/index.js';
import { type ConvertResult, convertMetalLB } from './convert-metallb.js';
import { MigrateError } from './migrate-error.js';

/** The documents of the output YAML, re-read as kubectl would. */
function outputObjects(r: ConvertResult): Record<string, unknown>[] {
  return parseAllDocuments(r.yaml, { version: '1.1' }).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Record<string, unknown>;
  });
}

/** The re-read output through the controller's own validation. */
function configErrors(r: ConvertResult): string[] {
  const objects = outputObjects(r);
  const config = buildConfig(
    objects.filter((o) => o.kind === 'IPAddressPool'),
    objects.filter((o) => o.kind === 'L2Advertisement'),
  );
  return config.errors.map(formatConfigError);
}

// A MetalLB set-up as found in the wild: `kubectl get ... -o yaml` output (a List with server fields), a second
// file with a dual-stack pool pinned to namespaces, BGP objects from an earlier experiment.
const REALISTIC = `
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
  - apiVersion: metallb.io/v1beta1
    kind: IPAddressPool
    metadata:
      annotations:
        kubectl.kubernetes.io/last-applied-configuration: |
          {"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool"}
        description: the LAN slice outside DHCP
      creationTimestamp: "2024-05-01T10:00:00Z"
      generation: 1
      labels:
        exposure: lan
      name: lan
      namespace: metallb-system
      resourceVersion: "1234"
      uid: 0b3c0f4e-1111-2222-3333-444455556666
    spec:
      addresses:
        - 198.18.100.200-198.18.100.250
        - 198.18.101.0/28
      autoAssign: true
      avoidBuggyIPs: false
    status:
      assignedIPv4: 3
      availableIPv4: 62
  - apiVersion: metallb.io/v1beta1
    kind: L2Advertisement
    metadata:
      name: lan
      namespace: metallb-system
      uid: 0b3c0f4e-aaaa-bbbb-cccc-444455556666
    spec:
      ipAddressPoolSelectors:
        - matchLabels:
            exposure: lan
      nodeSelectors:
        - matchExpressions:
            - key: node-role.kubernetes.io/ingress
              operator: Exists
      interfaces:
        - eth0
        - bond0
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: production
  namespace: metallb-system
spec:
  addresses:
    - 198.18.120.0/27
    - fd00:0:0:120::/120
  autoAssign: false
  avoidBuggyIPs: true
  serviceAllocation:
    priority: 10
    namespaces: [shop, shop-staging]
    namespaceSelectors:
      - matchLabels:
          environment: production
    serviceSelectors:
      - matchExpressions:
          - key: exposure
            operator: In
            values: [public]
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: production
  namespace: metallb-system
spec:
  ipAddressPools: [production]
  serviceSelectors:
    - matchLabels:
        exposure: public
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: router
  namespace: metallb-system
spec:
  myASN: 64500
  peerASN: 64501
  peerAddress: 198.18.0.1
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata:
  name: production
  namespace: metallb-system
spec:
  ipAddressPools: [production]
`;

describe('a realistic MetalLB configuration', () => {
  const r = convertMetalLB(REALISTIC);

  it('becomes the same configuration in BareLB, field for field', () => {
    expect(outputObjects(r)).toEqual([
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: {
          name: 'lan',
          namespace: 'barelb-system',
          annotations: { description: 'the LAN slice outside DHCP' },
          labels: { exposure: 'lan' },
        },
        spec: {
          addresses: ['198.18.100.200-198.18.100.250', '198.18.101.0/28'],
          autoAssign: true,
          avoidBuggyIPs: false,
        },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'production', namespace: 'barelb-system' },
        spec: {
          addresses: ['198.18.120.0/27', 'fd00:0:0:120::/120'],
          autoAssign: false,
          avoidBuggyIPs: true,
          serviceAllocation: {
            priority: 10,
            namespaces: ['shop', 'shop-staging'],
            namespaceSelectors: [{ matchLabels: { environment: 'production' } }],
            serviceSelectors: [
              { matchExpressions: [{ key: 'exposure', operator: 'In', values: ['public'] }] },
            ],
          },
        },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'L2Advertisement',
        metadata: { name: 'lan', namespace: 'barelb-system' },
        spec: {
          ipAddressPoolSelectors: [{ matchLabels: { exposure: 'lan' } }],
          nodeSelectors: [
            { matchExpressions: [{ key: 'node-role.kubernetes.io/ingress', operator: 'Exists' }] },
          ],
          interfaces: ['eth0', 'bond0'],
        },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'L2Advertisement',
        metadata: { name: 'production', namespace: 'barelb-system' },
        spec: {
          ipAddressPools: ['production'],
          serviceSelectors: [{ matchLabels: { exposure: 'public' } }],
        },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'BGPPeer',
        metadata: { name: 'router', namespace: 'barelb-system' },
        spec: { myASN: 64500, peerASN: 64501, peerAddress: '198.18.0.1' },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'BGPAdvertisement',
        metadata: { name: 'production', namespace: 'barelb-system' },
        spec: { ipAddressPools: ['production'] },
      },
    ]);
  });

  it('has nothing to warn about: BGP mode carries the BGP objects over as they are', () => {
    expect(r.warnings).toEqual([]);
  });

  it('passes the controller validation', () => {
    expect(configErrors(r)).toEqual([]);
  });

  it('returns the objects it wrote', () => {
    expect(r.objects).toEqual(outputObjects(r));
  });
});

const pool = (spec: string, extra = '') => `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: p
  namespace: metallb-system
${extra}spec:
${spec}`;

interface Case {
  readonly name: string;
  readonly input: string;
  readonly namespace?: string;
  /** Expected output objects (as re-read), when the case is about them. */
  readonly objects?: readonly unknown[];
  readonly warnings: readonly string[];
  /** How many of the warnings refuse the conversion (fields whose loss changes what the result does); 0 if absent. */
  readonly refused?: number;
  /** Errors buildConfig reports on the output; none unless the input itself is broken. */
  readonly configErrors?: readonly string[];
}

const l2 = (name: string, spec: string) =>
  `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: ${name}, namespace: metallb-system}\n${spec}`;
const UNCOVERED = (pool: string) =>
  `IPAddressPool ${pool}: no L2Advertisement or BGPAdvertisement covers it (by name or by pool selector), so BareLB would allocate its addresses and announce none; add it to an advertisement or leave the pool out`;

const CASES: readonly Case[] = [
  {
    name: 'a CIDR with host bits set is written as the network MetalLB used',
    input: pool('  addresses: [198.18.5.7/24, "fd00::5/120"]\n'),
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.5.0/24', 'fd00::/120'] },
      },
    ],
    warnings: [
      'IPAddressPool metallb-system/p: spec.addresses[0]: "198.18.5.7/24" has host bits set; MetalLB used it as 198.18.5.0/24, written so',
      'IPAddressPool metallb-system/p: spec.addresses[1]: "fd00::5/120" has host bits set; MetalLB used it as fd00::/120, written so',
    ],
  },
  {
    name: 'unknown spec fields are left out, named and refuse the conversion',
    input: pool(
      '  addresses: [198.18.5.0/24]\n  allocateTo: all\n  serviceAllocation:\n    priority: 1\n    weight: 3\n    serviceSelectors:\n      - matchLabels: {a: b}\n        matchFields: {x: y}\n',
    ),
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system' },
        spec: {
          addresses: ['198.18.5.0/24'],
          serviceAllocation: { priority: 1, serviceSelectors: [{ matchLabels: { a: 'b' } }] },
        },
      },
    ],
    warnings: [
      'IPAddressPool metallb-system/p: spec.allocateTo: unknown field, left out, which may change what is allocated or announced',
      'IPAddressPool metallb-system/p: spec.serviceAllocation.weight: unknown field, left out, which may change what is allocated or announced',
      'IPAddressPool metallb-system/p: spec.serviceAllocation.serviceSelectors[0].matchFields: unknown field, left out, which would widen what it selects',
    ],
    refused: 3,
  },
  {
    name: 'priority 0 (unset, tried last, in MetalLB) becomes no priority; others keep their value',
    input: `${pool('  addresses: [198.18.5.0/24]\n  serviceAllocation:\n    priority: 0\n    namespaces: [a]\n')}---\n${pool('  addresses: [198.18.6.0/24]\n  serviceAllocation:\n    priority: 2\n').replace('name: p', 'name: q')}`,
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.5.0/24'], serviceAllocation: { namespaces: ['a'] } },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'q', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.6.0/24'], serviceAllocation: { priority: 2 } },
      },
    ],
    warnings: [
      'IPAddressPool metallb-system/p: spec.serviceAllocation.priority: 0 means no priority in MetalLB (tried last); left out, which means the same in BareLB',
    ],
  },
  {
    name: 'unknown L2Advertisement spec fields are left out, named and refuse the conversion',
    input:
      'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: all}\nspec:\n  interfaces: [eth0]\n  nodeSelectors:\n    - matchLabels: {role: edge}\n      matchNames: [n1]\n  serviceSelectors:\n    - matchLabels: {expose: edge}\n      matchFields: {x: y}\n  vlan: 5\n',
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'L2Advertisement',
        metadata: { name: 'all', namespace: 'barelb-system' },
        spec: {
          interfaces: ['eth0'],
          nodeSelectors: [{ matchLabels: { role: 'edge' } }],
          serviceSelectors: [{ matchLabels: { expose: 'edge' } }],
        },
      },
    ],
    warnings: [
      'L2Advertisement all: spec.vlan: unknown field, left out, which may change what is allocated or announced',
      'L2Advertisement all: spec.nodeSelectors[0].matchNames: unknown field, left out, which would widen what it selects',
      'L2Advertisement all: spec.serviceSelectors[0].matchFields: unknown field, left out, which would widen what it selects',
    ],
    refused: 3,
  },
  {
    name: 'a field named like a selector outside one is unknown, not narrowing: its effect is not guessed',
    input: l2('edge', 'spec:\n  preferredNodeSelectors:\n    - matchLabels: {zone: a}\n'),
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'L2Advertisement',
        metadata: { name: 'edge', namespace: 'barelb-system' },
        spec: {},
      },
    ],
    warnings: [
      'L2Advertisement metallb-system/edge: spec.preferredNodeSelectors: unknown field, left out, which may change what is allocated or announced',
    ],
    refused: 1,
  },
  {
    name: 'an L2Advertisement without spec covers every pool, as in MetalLB',
    input:
      pool('  addresses: [198.18.5.0/24]\n') +
      '---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: everything, namespace: metallb-system}\n',
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.5.0/24'] },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'L2Advertisement',
        metadata: { name: 'everything', namespace: 'barelb-system' },
      },
    ],
    warnings: [],
  },
  {
    name: 'a pool no L2Advertisement names or selects is named',
    input: [
      pool('  addresses: [198.18.5.0/24]\n'),
      pool('  addresses: [198.18.6.0/24]\n').replace('name: p', 'name: q'),
      pool('  addresses: [198.18.7.0/24]\n', '  labels: {zone: a}\n').replace('name: p', 'name: r'),
      l2('named', 'spec:\n  ipAddressPools: [p]\n'),
      l2('selected', 'spec:\n  ipAddressPoolSelectors: [{matchLabels: {zone: a}}]\n'),
    ].join('---\n'),
    warnings: [UNCOVERED('q')],
  },
  {
    name: 'a pool only serviceSelector-limited advertisements cover is named: other Services get no announcement',
    input: [
      pool('  addresses: [198.18.5.0/24]\n'),
      l2('public', 'spec:\n  ipAddressPools: [p]\n  serviceSelectors: [{matchLabels: {exposure: public}}]\n'),
    ].join('---\n'),
    warnings: [
      'IPAddressPool p: only L2Advertisements with serviceSelectors (public) cover it, so a Service they do not select would get an address from it and no announcement; check that every Service the pool serves matches one, or add an L2Advertisement without serviceSelectors',
    ],
  },
  {
    name: 'not when the pool serves only Services those selectors match, or another advertisement covers all',
    input: [
      pool(
        '  addresses: [198.18.5.0/24]\n  serviceAllocation:\n    serviceSelectors: [{matchLabels: {exposure: public, tier: web}}]\n',
      ),
      pool('  addresses: [198.18.6.0/24]\n').replace('name: p', 'name: q'),
      l2('public', 'spec:\n  ipAddressPools: [p]\n  serviceSelectors: [{matchLabels: {exposure: public}}]\n'),
      l2('some', 'spec:\n  ipAddressPools: [q]\n  serviceSelectors: [{matchLabels: {exposure: public}}]\n'),
      l2('all', 'spec:\n  ipAddressPools: [q]\n'),
    ].join('---\n'),
    warnings: [],
  },
  {
    name: 'a pool only an advertisement BareLB refuses would cover is named too',
    input: `${pool('  addresses: [198.18.5.0/24]\n')}---\n${l2('bad', 'spec:\n  interfaces: [eth/0]\n')}`,
    warnings: [
      `l2advertisement "bad": spec.interfaces[0]: interface name "eth/0" contains '/', ':' or whitespace (BareLB refuses this object)`,
      UNCOVERED('p'),
    ],
    configErrors: [
      `l2advertisement "bad": spec.interfaces[0]: interface name "eth/0" contains '/', ':' or whitespace`,
    ],
  },
  {
    name: 'pools without any L2Advertisement are a split configuration, not a gap',
    input: `${pool('  addresses: [198.18.5.0/24]\n')}---\n${pool('  addresses: [198.18.6.0/24]\n').replace('name: p', 'name: q')}`,
    warnings: [],
  },
  {
    name: 'the target namespace is an option',
    input: pool('  addresses: [198.18.5.0/24]\n'),
    namespace: 'lb',
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'lb' },
        spec: { addresses: ['198.18.5.0/24'] },
      },
    ],
    warnings: [],
  },
  {
    name: 'a typed list gives its items their kind and apiVersion',
    input:
      'apiVersion: metallb.io/v1beta1\nkind: IPAddressPoolList\nitems:\n  - metadata: {name: a, namespace: metallb-system}\n    spec: {addresses: [198.18.6.0/24]}\n',
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'a', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.6.0/24'] },
      },
    ],
    warnings: [],
  },
  {
    name: 'YAML 1.1 booleans read as kubectl reads them',
    input: pool('  addresses: [198.18.5.0/24]\n  autoAssign: no\n'),
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.5.0/24'], autoAssign: false },
      },
    ],
    warnings: [],
  },
  {
    name: 'label values that YAML 1.1 would read as booleans stay strings',
    input: pool('  addresses: [198.18.5.0/24]\n', '  labels: {public: "yes"}\n'),
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system', labels: { public: 'yes' } },
        spec: { addresses: ['198.18.5.0/24'] },
      },
    ],
    warnings: [],
  },
  {
    name: 'annotations of the tool that applied MetalLB are left out',
    input: pool(
      '  addresses: [198.18.5.0/24]\n',
      '  annotations:\n    meta.helm.sh/release-name: metallb\n    kubectl.kubernetes.io/last-applied-configuration: "{}"\n  finalizers: [x]\n',
    ),
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.5.0/24'] },
      },
    ],
    warnings: [
      'IPAddressPool metallb-system/p: annotations meta.helm.sh/release-name belong to the tool that applied it; left out',
      'IPAddressPool metallb-system/p: metadata.finalizers: left out',
    ],
  },
  {
    name: 'another metallb.io version is read as v1beta1',
    input: pool('  addresses: [198.18.5.0/24]\n').replace('v1beta1', 'v1beta2'),
    warnings: ['IPAddressPool metallb-system/p: metallb.io/v1beta2 read as metallb.io/v1beta1'],
  },
  {
    name: 'every BGP kind is carried over; what BareLB refuses in them is said',
    input: ['BGPPeer', 'BGPAdvertisement', 'Community', 'BFDProfile']
      .map((k) => `apiVersion: metallb.io/v1beta1\nkind: ${k}\nmetadata: {name: x}\n`)
      .join('---\n'),
    objects: ['BGPPeer', 'BGPAdvertisement', 'Community', 'BFDProfile'].map((kind) => ({
      apiVersion: 'barelb.io/v1alpha1',
      kind,
      metadata: { name: 'x', namespace: 'barelb-system' },
    })),
    warnings: [
      'bgppeer "x": spec.myASN: myASN is required (BareLB refuses this object)',
      'bgppeer "x": spec.peerASN: peerASN (or dynamicASN) is required (BareLB refuses this object)',
      'bgppeer "x": spec.peerAddress: peerAddress is required (BareLB refuses this object)',
    ],
  },
  {
    name: 'a BGPPeer with settings the sessions do not do yet is carried over with why it will be refused',
    input: `${pool('  addresses: [198.18.5.0/24]\n')}---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: r, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 198.18.0.1, password: s3cret, bfdProfile: fast, ebgpMultiHop: true, holdTime: 9s, keepaliveTime: 1s, connectTime: 5s}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: fast, namespace: metallb-system}
spec: {receiveInterval: 100, transmitInterval: 100}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: a, namespace: metallb-system}
spec: {ipAddressPools: [p], peers: [r]}
`,
    warnings: [
      'BGPPeer r: the speakers will not open this session until BareLB supports it (BFD over several hops (RFC 5883) is not supported yet; single-hop peers only); its BGPSessionStatus will say Refused',
      'BGPPeer r: spec.password is in the object in clear; passwordSecret keeps it in a Secret',
    ],
  },
  {
    name: "a BGPPeer's passwordSecret moves to BareLB's namespace, and the Secret has to be copied there",
    input: `${pool('  addresses: [198.18.5.0/24]\n')}---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: r, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 198.18.0.1, passwordSecret: {name: bgp-pass, namespace: metallb-system}}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: a, namespace: metallb-system}
spec: {ipAddressPools: [p]}
`,
    objects: [
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: 'barelb-system' },
        spec: { addresses: ['198.18.5.0/24'] },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'BGPPeer',
        metadata: { name: 'r', namespace: 'barelb-system' },
        spec: {
          myASN: 64500,
          peerASN: 64501,
          peerAddress: '198.18.0.1',
          passwordSecret: { name: 'bgp-pass' },
        },
      },
      {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'BGPAdvertisement',
        metadata: { name: 'a', namespace: 'barelb-system' },
        spec: { ipAddressPools: ['p'] },
      },
    ],
    warnings: [
      'BGPPeer metallb-system/r: spec.passwordSecret: copy Secret bgp-pass from metallb-system to barelb-system (type kubernetes.io/basic-auth, key "password"): BareLB\'s speakers read it there',
    ],
  },
  {
    name: 'a BGPAdvertisement naming unknown pools, peers and aliases, and a BGPPeer with vrf',
    input: `${pool('  addresses: [198.18.5.0/24]\n')}---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: r, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 198.18.0.1, vrf: red}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: a, namespace: metallb-system}
spec: {ipAddressPools: [p, nope], communities: [NO_ADV], peers: [r, s]}
`,
    warnings: [
      'bgppeer "r": spec.vrf: BareLB peers from the default VRF only; remove vrf or peer from the default VRF (BareLB refuses this object)',
      'bgpadvertisement "a": spec.ipAddressPools[1]: no IPAddressPool "nope" (BareLB reports this and keeps the object)',
      'bgpadvertisement "a": spec.peers[1]: no BGPPeer "s"; the other peers get it (BareLB reports this and keeps the object)',
      'bgpadvertisement "a": spec.communities[0]: "NO_ADV" is neither a community value (65535:65282, large:1:2:3) nor an alias in a Community object (BareLB refuses this object)',
      'IPAddressPool p: no L2Advertisement or BGPAdvertisement covers it (by name or by pool selector), so BareLB would allocate its addresses and announce none; add it to an advertisement or leave the pool out',
    ],
  },
  {
    name: 'a pool covered by a BGPAdvertisement pool selector alone is announced (by BGP)',
    input: `${pool('  addresses: [198.18.5.0/24]\n', '  labels: {via: bgp}\n')}---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: a, namespace: metallb-system}
spec: {ipAddressPoolSelectors: [{matchLabels: {via: bgp}}]}
`,
    warnings: [],
  },
  {
    name: 'an unknown BGPPeer field refuses the conversion',
    input: `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: r, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 198.18.0.1, bgpFancy: true}
`,
    warnings: [
      'BGPPeer metallb-system/r: spec.bgpFancy: unknown field, left out, which may change what is allocated or announced',
    ],
    refused: 1,
  },
  {
    name: 'other objects are left out and named',
    input:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: controller, namespace: metallb-system}\n---\n' +
      'apiVersion: metallb.io/v1beta1\nkind: ServiceL2Status\nmetadata: {name: l2-abc}\n---\n' +
      'apiVersion: barelb.io/v1alpha1\nkind: IPAddressPool\nmetadata: {name: q}\n---\n' +
      '- just\n- a list\n---\n' +
      'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nspec: {addresses: [198.18.0.0/24]}\n',
    objects: [],
    warnings: [
      'Deployment metallb-system/controller: not a MetalLB object (apiVersion "apps/v1"); left out',
      'ServiceL2Status l2-abc: ServiceL2Status has no BareLB counterpart; left out',
      'IPAddressPool q: already a BareLB object; left out',
      'document 4: not a Kubernetes object; left out',
      'IPAddressPool in document 5: no metadata.name; left out',
      'no MetalLB configuration object found (IPAddressPool, L2Advertisement or a BGP kind)',
    ],
  },
  {
    name: 'the ConfigMap of MetalLB before v0.13 is recognised',
    input:
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config, namespace: metallb-system}\ndata:\n  config: |\n    address-pools:\n    - name: default\n      protocol: layer2\n      addresses: [198.18.0.0/24]\n',
    objects: [],
    warnings: [
      "ConfigMap metallb-system/config: MetalLB's ConfigMap configuration (before v0.13) is not read; convert it to custom resources with MetalLB first, then run barelb migrate on those; left out",
      'no MetalLB configuration object found (IPAddressPool, L2Advertisement or a BGP kind)',
    ],
  },
  {
    name: 'empty input',
    input: '\n---\n# nothing\n',
    objects: [],
    warnings: ['no MetalLB configuration object found (IPAddressPool, L2Advertisement or a BGP kind)'],
  },
  {
    name: 'what BareLB would refuse is reported with its reason',
    input:
      pool('  addresses: [198.18.5.0/24, nonsense]\n') +
      '---\n' +
      pool('  addresses: [198.18.5.128/25]\n').replace('name: p', 'name: q') +
      '---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: ad}\nspec:\n  ipAddressPools: [missing]\n',
    warnings: [
      'pool "p": spec.addresses[1]: "nonsense" is neither a CIDR nor a start-end range (BareLB refuses this object)',
      'l2advertisement "ad": spec.ipAddressPools[0]: IPAddressPool "missing" does not exist (BareLB reports this and keeps the object)',
      UNCOVERED('q'),
    ],
    configErrors: [
      'pool "p": spec.addresses[1]: "nonsense" is neither a CIDR nor a start-end range',
      'l2advertisement "ad": spec.ipAddressPools[0]: IPAddressPool "missing" does not exist',
    ],
  },
  {
    name: 'overlapping pools: BareLB keeps the older, so the report names both',
    input:
      pool('  addresses: [198.18.5.0/24]\n') +
      '---\n' +
      pool('  addresses: [198.18.5.0/25]\n').replace('name: p', 'name: q'),
    warnings: [
      expect.stringMatching(
        /^pool "q": .*overlap.*"p".*\(BareLB refuses this object\)$/,
      ) as unknown as string,
    ],
    configErrors: [expect.stringMatching(/^pool "q": .*overlap/) as unknown as string],
  },
];

describe.each(CASES)('$name', (c) => {
  const r = convertMetalLB(c.input, c.namespace === undefined ? {} : { namespace: c.namespace });

  it('writes the expected objects', () => {
    if (c.objects) expect(outputObjects(r)).toEqual(c.objects);
    expect(r.objects).toEqual(outputObjects(r));
    if (r.objects.length === 0) expect(r.yaml).toBe('');
  });

  it('warns about exactly what it changed', () => {
    expect(r.warnings).toEqual(c.warnings);
  });

  it('refuses exactly when a left-out field changes what the result does', () => {
    expect(r.refused.length).toBe(c.refused ?? 0);
    for (const m of r.refused) expect(r.warnings).toContain(m);
  });

  it('writes what the controller accepts, unless the input is broken', () => {
    expect(configErrors(r)).toEqual(c.configErrors ?? []);
  });
});

it('refuses text that is not YAML, naming the document', () => {
  const bad = `${pool('  addresses: [198.18.5.0/24]\n')}---\nfoo: [\n`;
  expect(() => convertMetalLB(bad)).toThrow(MigrateError);
  try {
    convertMetalLB(bad);
  } catch (err) {
    expect((err as MigrateError).code).toBe('INVALID_YAML');
    expect((err as MigrateError).message).toMatch(/^document 2: /);
  }
});
