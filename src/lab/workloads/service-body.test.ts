import { describe, expect, it } from 'vitest';
import { type ServiceOptions, serviceBody } from './service-body.js';

describe('serviceBody', () => {
  it.each<[string, ServiceOptions, Record<string, unknown>]>([
    ['defaults: ClusterIP, port 80 to 8080', {}, { type: 'ClusterIP' }],
    [
      'LoadBalancer with Local policy',
      { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
      { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
    ],
    // The apiserver refuses externalTrafficPolicy on a ClusterIP Service.
    ['no externalTrafficPolicy on ClusterIP', { externalTrafficPolicy: 'Local' }, { type: 'ClusterIP' }],
    [
      'class, affinity and families as given',
      {
        type: 'LoadBalancer',
        loadBalancerClass: 'example.com/x',
        sessionAffinity: 'ClientIP',
        ipFamilyPolicy: 'RequireDualStack',
        ipFamilies: ['IPv4', 'IPv6'],
      },
      {
        type: 'LoadBalancer',
        loadBalancerClass: 'example.com/x',
        sessionAffinity: 'ClientIP',
        ipFamilyPolicy: 'RequireDualStack',
        ipFamilies: ['IPv4', 'IPv6'],
      },
    ],
  ])('%s', (_what, opts, spec) => {
    const body = serviceBody('web', 'team', opts);
    expect(body.metadata).toEqual({ name: 'web', namespace: 'team', annotations: {} });
    const { ports, selector, ...rest } = body.spec ?? {};
    expect(selector).toEqual({ app: 'web' });
    expect(ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }]);
    expect(rest).toEqual(spec);
  });

  it.each<[ServiceOptions, Record<string, unknown>]>([
    [{ port: 8081 }, { name: 'http', protocol: 'TCP', port: 8081, targetPort: 8080 }],
    [
      { type: 'NodePort', nodePort: 30080 },
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
    ],
  ])('port from %j', (opts, port) => {
    expect(serviceBody('web', 'team', opts).spec?.ports).toEqual([port]);
  });

  it('copies annotations', () => {
    const annotations = { 'barelb.io/address-pool': 'lab' };
    const body = serviceBody('web', 'team', { annotations });
    expect(body.metadata?.annotations).toEqual(annotations);
    expect(body.metadata?.annotations).not.toBe(annotations);
  });
});
