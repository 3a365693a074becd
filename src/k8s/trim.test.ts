import { describe, expect, it } from 'vitest';
import {
  trimCustom,
  trimEndpointSlice,
  trimLease,
  trimMeta,
  trimNamespace,
  trimNode,
  trimService,
} from './trim.js';

const fullMeta = {
  name: 'x',
  namespace: 'ns',
  uid: 'u1',
  resourceVersion: '7',
  generation: 3,
  creationTimestamp: '2026-12-02T09:00:00Z',
  labels: { app: 'x' },
  annotations: { 'barelb.io/address-pool': 'p', 'kubectl.kubernetes.io/last-applied-configuration': '{...}' },
  managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }],
  ownerReferences: [{ kind: 'Deployment', name: 'd' }],
  finalizers: ['f'],
};
const meta = {
  name: 'x',
  namespace: 'ns',
  uid: 'u1',
  resourceVersion: '7',
  generation: 3,
  creationTimestamp: '2026-12-02T09:00:00Z',
  labels: { app: 'x' },
  annotations: { 'barelb.io/address-pool': 'p' },
};

describe('trim', () => {
  it.each([
    {
      name: 'metadata: no managedFields, owners, finalizers, last-applied',
      fn: trimMeta,
      input: fullMeta,
      want: meta,
    },
    {
      name: 'Service: metadata trimmed, spec and status kept whole',
      fn: trimService,
      input: {
        kind: 'Service',
        metadata: fullMeta,
        spec: {
          type: 'LoadBalancer',
          ports: [{ port: 80, nodePort: 30001 }],
          externalTrafficPolicy: 'Local',
        },
        status: { loadBalancer: { ingress: [{ ip: '198.18.0.10' }] } },
      },
      want: {
        metadata: meta,
        spec: {
          type: 'LoadBalancer',
          ports: [{ port: 80, nodePort: 30001 }],
          externalTrafficPolicy: 'Local',
        },
        status: { loadBalancer: { ingress: [{ ip: '198.18.0.10' }] } },
      },
    },
    {
      name: 'EndpointSlice: the Service label, and per endpoint its node and conditions',
      fn: trimEndpointSlice,
      input: {
        addressType: 'IPv4',
        metadata: {
          ...fullMeta,
          labels: { 'kubernetes.io/service-name': 's', 'endpointslice.kubernetes.io/managed-by': 'm' },
        },
        endpoints: [
          {
            addresses: ['10.0.0.1'],
            nodeName: 'n1',
            conditions: { ready: true, serving: true, terminating: false },
            targetRef: { kind: 'Pod', name: 'p' },
            zone: 'z',
          },
          { addresses: ['10.0.0.2'] },
        ],
        ports: [{ port: 8080 }],
      },
      want: {
        addressType: 'IPv4',
        metadata: { ...meta, labels: { 'kubernetes.io/service-name': 's' }, annotations: undefined },
        endpoints: [
          { addresses: [], nodeName: 'n1', conditions: { ready: true, serving: true, terminating: false } },
          { addresses: [] },
        ],
      },
    },
    {
      name: 'Node: labels, taints, addresses, condition types and statuses; no images, no annotations',
      fn: trimNode,
      input: {
        metadata: fullMeta,
        spec: {
          podCIDR: '10.0.0.0/24',
          taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }],
        },
        status: {
          addresses: [{ type: 'InternalIP', address: '198.18.0.2' }],
          conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 't', reason: 'KubeletReady' }],
          images: [{ names: ['big'], sizeBytes: 1 }],
          nodeInfo: { kubeletVersion: 'v1' },
          capacity: { cpu: '2' },
        },
      },
      want: {
        metadata: { ...meta, annotations: undefined },
        spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }] },
        status: {
          addresses: [{ type: 'InternalIP', address: '198.18.0.2' }],
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      },
    },
    {
      name: 'Lease: identity and spec',
      fn: trimLease,
      input: { metadata: fullMeta, spec: { holderIdentity: 'n1', renewTime: '2026-12-02T09:00:00.000000Z' } },
      want: {
        metadata: { ...meta, labels: undefined, annotations: undefined },
        spec: { holderIdentity: 'n1', renewTime: '2026-12-02T09:00:00.000000Z' },
      },
    },
    {
      name: 'Namespace: labels only',
      fn: trimNamespace,
      input: { metadata: fullMeta, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
      want: { metadata: { ...meta, annotations: undefined } },
    },
    {
      name: 'our own objects: kind, spec and status as they are',
      fn: trimCustom,
      input: {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: fullMeta,
        spec: { addresses: ['198.18.0.0/28'] },
        status: { assignedIPv4: 1 },
      },
      want: {
        apiVersion: 'barelb.io/v1alpha1',
        kind: 'IPAddressPool',
        metadata: meta,
        spec: { addresses: ['198.18.0.0/28'] },
        status: { assignedIPv4: 1 },
      },
    },
  ])('$name', ({ fn, input, want }) => {
    const got = (fn as (o: unknown) => unknown)(input);
    expect(got).toStrictEqual(JSON.parse(JSON.stringify(want)));
  });
});
