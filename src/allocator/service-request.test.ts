import { describe, expect, it } from 'vitest';
import { type ServiceLike, serviceRequestFrom } from './service-request.js';

describe('serviceRequestFrom', () => {
  it('copies the fields the allocator reads, and reports warnings', () => {
    const service: ServiceLike = {
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: { tier: 'front' },
        annotations: { 'barelb.io/loadBalancerIPs': '198.18.0.2', 'other/x': 'y' },
      },
      spec: {
        loadBalancerIP: '198.18.0.1',
        ipFamilies: ['IPv6', 'IPv4'],
        ipFamilyPolicy: 'PreferDualStack',
        ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 8080 }],
        externalTrafficPolicy: 'Local',
        selector: { app: 'web' },
      },
    };
    const r = serviceRequestFrom(service, { team: 'a' });
    expect(r).toEqual({
      key: 'shop/web',
      namespace: 'shop',
      labels: { tier: 'front' },
      namespaceLabels: { team: 'a' },
      annotations: { 'barelb.io/loadBalancerIPs': '198.18.0.2', 'other/x': 'y' },
      loadBalancerIP: '198.18.0.1',
      ipFamilies: ['IPv6', 'IPv4'],
      ipFamilyPolicy: 'PreferDualStack',
      ports: [
        { protocol: 'TCP', port: 80 },
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 8080 },
      ],
      externalTrafficPolicy: 'Local',
      selector: { app: 'web' },
      warnings: [expect.stringMatching(/spec\.loadBalancerIP .* ignored/)],
    });
  });

  it.each([
    { name: 'empty object', svc: {} },
    { name: 'null', svc: null },
    {
      name: 'wrong types everywhere',
      svc: {
        metadata: { name: 7, labels: 'x', annotations: [1] },
        spec: { ports: 'x', ipFamilies: {}, selector: 3 },
      },
    },
    {
      name: 'ports with junk',
      svc: { metadata: { name: 'a' }, spec: { ports: [null, { port: 'x' }, { port: 1.5 }, { port: 9 }] } },
    },
  ])('never throws on $name', ({ svc: s }) => {
    const r = serviceRequestFrom(s as unknown as ServiceLike, {});
    expect(Array.isArray(r.ports)).toBe(true);
    expect(r.ports.every((p) => Number.isInteger(p.port))).toBe(true);
  });

  it('drops unknown policy and family values instead of guessing', () => {
    const r = serviceRequestFrom(
      {
        metadata: { name: 'a', namespace: 'n' },
        spec: { ipFamilies: ['IPv5', 'IPv4'], ipFamilyPolicy: 'Maybe', externalTrafficPolicy: 'Sometimes' },
      },
      {},
    );
    expect(r.ipFamilies).toEqual(['IPv4']);
    expect(r.ipFamilyPolicy).toBeUndefined();
    expect(r.externalTrafficPolicy).toBeUndefined();
  });
});
