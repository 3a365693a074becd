import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMethodFrom } from '../src/lab/install/install-method.js';
import type { Lab } from '../src/lab/lab.js';
import { ensureNamespace } from '../src/lab/workloads/namespaces.js';
import {
  createLbService,
  deleteService,
  eventMessages,
  eventReasons,
  getService,
  ingressIps,
  poolYaml,
  waitForIps,
} from './support/services.js';
import { controllerMetricsUrl, eventually, startTestLab } from './support/test-lab.js';

// The controller against a real apiserver: every test reads what the controller wrote through the API.
describe('controller', () => {
  let lab: Lab;
  let net: (third: number, last: number) => string;
  let v6: string;

  beforeAll(async () => {
    lab = await startTestLab('controller', { nodes: 2, controllers: 1, speakers: false, demo: false });
    const b = lab.addresses.index * 16;
    net = (third, last) => `198.18.${b + third}.${last}`;
    v6 = `2002:c612:${b.toString(16).padStart(2, '0')}02::`;
  });
  afterAll(async () => {
    await lab?.stop();
  });

  // `npm run test:helm` runs this file against the chart: prove the lab did install it that way.
  it(`runs the controller installed as BARELB_LAB_INSTALL says (${installMethodFrom(process.env)})`, async () => {
    const d = await lab
      .kubeConfig()
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'barelb-controller', namespace: 'barelb-system' });
    const managedBy = d.metadata?.labels?.['app.kubernetes.io/managed-by'];
    if (installMethodFrom(process.env) === 'helm') expect(managedBy).toBe('Helm');
    else expect(managedBy).not.toBe('Helm');
    expect(d.status?.readyReplicas ?? 0).toBeGreaterThan(0);
  });

  it('allocates an IP, writes ipMode VIP and the pool annotation, and records IPAllocated', async () => {
    await createLbService(lab, 'alloc');
    const [ip] = await waitForIps(lab, 'alloc');
    const svc = await getService(lab, 'alloc');
    expect(svc.status?.loadBalancer?.ingress?.[0]?.ipMode).toBe('VIP');
    expect(svc.metadata?.annotations?.['barelb.io/ip-allocated-from-pool']).toBe('lab');
    expect(ip?.startsWith(net(1, 0).slice(0, -1))).toBe(true);
    await eventually('IPAllocated event', async () =>
      (await eventReasons(lab, 'alloc')).includes('IPAllocated') ? true : undefined,
    );
  });

  it('honours static requests: spec.loadBalancerIP, the annotation, and the MetalLB annotation', async () => {
    await createLbService(lab, 'static-spec', { loadBalancerIP: net(1, 200) });
    await createLbService(lab, 'static-ann', { annotations: { 'barelb.io/loadBalancerIPs': net(1, 201) } });
    await createLbService(lab, 'static-metallb', {
      annotations: { 'metallb.io/loadBalancerIPs': net(1, 202) },
    });
    expect(await waitForIps(lab, 'static-spec')).toEqual([net(1, 200)]);
    expect(await waitForIps(lab, 'static-ann')).toEqual([net(1, 201)]);
    expect(await waitForIps(lab, 'static-metallb')).toEqual([net(1, 202)]);
    // Both the deprecated field and the annotation: the annotation wins and the user is warned.
    await createLbService(lab, 'static-both', {
      loadBalancerIP: net(1, 203),
      annotations: { 'barelb.io/loadBalancerIPs': net(1, 204) },
    });
    expect(await waitForIps(lab, 'static-both')).toEqual([net(1, 204)]);
    await eventually('conflict warning', async () =>
      (await eventReasons(lab, 'static-both')).some((r) => r !== 'IPAllocated') ? true : undefined,
    );
  });

  it('picks pools by priority, namespaces and service selectors', async () => {
    await lab.apply(
      [
        poolYaml(
          'prio',
          [`${net(2, 0)}/28`],
          '  serviceAllocation:\n    priority: 1\n    serviceSelectors:\n      - matchLabels: {tier: gold}\n',
        ),
        poolYaml(
          'team-a',
          [`${net(2, 16)}/28`],
          '  serviceAllocation:\n    priority: 2\n    namespaces: [team-a]\n',
        ),
        poolYaml(
          'labelled-ns',
          [`${net(2, 32)}/28`],
          '  serviceAllocation:\n    priority: 3\n    namespaceSelectors:\n      - matchLabels: {env: prod}\n',
        ),
      ].join('---\n'),
    );
    const core = lab.kubeConfig().makeApiClient(CoreV1Api);
    await ensureNamespace(core, 'team-a');
    await core.createNamespace({ body: { metadata: { name: 'prod-ns', labels: { env: 'prod' } } } });
    await createLbService(lab, 'gold', { labels: { tier: 'gold' } });
    await createLbService(lab, 'in-team-a', { namespace: 'team-a' });
    await createLbService(lab, 'in-prod', { namespace: 'prod-ns' });
    await createLbService(lab, 'plain');
    await waitForIps(lab, 'gold');
    await waitForIps(lab, 'in-team-a', 'team-a');
    await waitForIps(lab, 'in-prod', 'prod-ns');
    await waitForIps(lab, 'plain');
    const pool = async (n: string, ns = 'default') =>
      (await getService(lab, n, ns)).metadata?.annotations?.['barelb.io/ip-allocated-from-pool'];
    expect(await pool('gold')).toBe('prio');
    expect(await pool('in-team-a', 'team-a')).toBe('team-a');
    expect(await pool('in-prod', 'prod-ns')).toBe('labelled-ns');
    expect(await pool('plain')).toBe('lab');
  });

  it('shares an IP between Services with the same sharing key and different ports, and refuses a port clash', async () => {
    const shared = { 'barelb.io/allow-shared-ip': 'web', 'barelb.io/loadBalancerIPs': net(1, 150) };
    await createLbService(lab, 'share-http', { annotations: shared, port: 80, selector: { app: 'web' } });
    await createLbService(lab, 'share-https', { annotations: shared, port: 443, selector: { app: 'web' } });
    await createLbService(lab, 'share-clash', { annotations: shared, port: 80, selector: { app: 'web' } });
    expect(await waitForIps(lab, 'share-http')).toEqual([net(1, 150)]);
    expect(await waitForIps(lab, 'share-https')).toEqual([net(1, 150)]);
    await eventually('port clash refused', async () =>
      (await eventReasons(lab, 'share-clash')).includes('AllocationFailed') ? true : undefined,
    );
    expect(ingressIps(await getService(lab, 'share-clash'))).toEqual([]);
  });

  it('allocates both families to a RequireDualStack Service, in ipFamilies order', async () => {
    await lab.apply(
      poolYaml(
        'dual',
        [`${net(2, 64)}/28`, `${v6}/124`],
        '  serviceAllocation:\n    serviceSelectors:\n      - matchLabels: {stack: dual}\n    priority: 1\n',
      ),
    );
    await createLbService(lab, 'dual', {
      labels: { stack: 'dual' },
      ipFamilyPolicy: 'RequireDualStack',
      ipFamilies: ['IPv6', 'IPv4'],
    });
    const ips = await waitForIps(lab, 'dual', 'default', 2);
    expect(ips[0]).toContain(':');
    expect(ips[1]).toMatch(/^198\.18\./);
  });

  it('leaves a foreign loadBalancerClass alone', async () => {
    await createLbService(lab, 'foreign', { loadBalancerClass: 'example.com/other' });
    await createLbService(lab, 'after-foreign');
    await waitForIps(lab, 'after-foreign');
    const svc = await getService(lab, 'foreign');
    expect(ingressIps(svc)).toEqual([]);
    expect(svc.metadata?.annotations?.['barelb.io/ip-allocated-from-pool']).toBeUndefined();
    expect(await eventReasons(lab, 'foreign')).toEqual([]);
  });

  it('moves Services off a shrunk pool and leaves them pending when their pool is deleted', async () => {
    await lab.apply(
      poolYaml(
        'shrink',
        [`${net(3, 0)}/28`, `${net(3, 16)}/28`],
        '  serviceAllocation:\n    priority: 1\n    namespaces: [shrink]\n',
      ),
    );
    await createLbService(lab, 's1', {
      namespace: 'shrink',
      annotations: { 'barelb.io/loadBalancerIPs': net(3, 20) },
    });
    await createLbService(lab, 's2', { namespace: 'shrink' });
    expect(await waitForIps(lab, 's1', 'shrink')).toEqual([net(3, 20)]);
    const [s2ip] = await waitForIps(lab, 's2', 'shrink');
    expect(s2ip).toBe(net(3, 0));
    // Drop the second range: s1's requested IP is gone, so it is released and fails; s2 stays.
    await lab.apply(
      poolYaml(
        'shrink',
        [`${net(3, 0)}/28`],
        '  serviceAllocation:\n    priority: 1\n    namespaces: [shrink]\n',
      ),
    );
    await eventually('s1 released', async () =>
      ingressIps(await getService(lab, 's1', 'shrink')).length === 0 ? true : undefined,
    );
    expect(ingressIps(await getService(lab, 's2', 'shrink'))).toEqual([s2ip]);
    await eventually('s1 AllocationFailed', async () =>
      (await eventReasons(lab, 's1', 'shrink')).includes('AllocationFailed') ? true : undefined,
    );
    // Delete the pool: s2 falls back to the lab pool (it may use any pool), with Events.
    await lab.exec('cp', ['kubectl', '-n', 'barelb-system', 'delete', 'ipaddresspool', 'shrink']);
    await eventually('s2 moved', async () => {
      const ips = ingressIps(await getService(lab, 's2', 'shrink'));
      return ips.length === 1 && ips[0] !== s2ip ? ips : undefined;
    });
    await eventually('s2 IPReleased', async () =>
      (await eventReasons(lab, 's2', 'shrink')).includes('IPReleased') ? true : undefined,
    );
  });

  it('gives a pending Service the IP another one frees, without any touch', async () => {
    await lab.apply(poolYaml('tiny', [`${net(3, 100)}/32`], '  autoAssign: false\n'));
    const onTiny = { 'barelb.io/address-pool': 'tiny' };
    await createLbService(lab, 'first', { namespace: 'tiny', annotations: onTiny });
    expect(await waitForIps(lab, 'first', 'tiny')).toEqual([net(3, 100)]);
    await createLbService(lab, 'second', { namespace: 'tiny', annotations: onTiny });
    await eventually('second pending', async () =>
      (await eventReasons(lab, 'second', 'tiny')).includes('AllocationFailed') ? true : undefined,
    );
    expect((await eventMessages(lab, 'second', 'tiny')).join(' ')).toMatch(/exhausted|no free|full/i);
    await deleteService(lab, 'first', 'tiny');
    expect(await waitForIps(lab, 'second', 'tiny')).toEqual([net(3, 100)]);
  });

  it('does not resync the config on its own pool status writes, only on spec changes', async () => {
    // Config resyncs, read from the controller's reconcile histogram.
    const metrics = await controllerMetricsUrl(lab);
    const configSyncs = async () => {
      const r = await lab.exec(metrics.from, ['curl', '-s', metrics.url]);
      const m = /barelb_controller_reconcile_duration_seconds_count\{kind="config",result="ok"\} (\d+)/.exec(
        r.stdout,
      );
      return Number(m?.[1] ?? Number.NaN);
    };
    const assigned = async () =>
      (
        await lab.exec('cp', [
          'kubectl',
          '-n',
          'barelb-system',
          'get',
          'ipaddresspool',
          'lab',
          '-o',
          'jsonpath={.status.assignedIPv4}',
        ])
      ).stdout;
    const before = await configSyncs();
    expect(before).toBeGreaterThan(0); // the metric is there: taking the lead resynced once
    const assignedBefore = await assigned();
    await createLbService(lab, 'status-only');
    await waitForIps(lab, 'status-only');
    // The pool's status moves with the allocation; its update event reaches the controller's watch.
    await eventually('pool status counts the new Service', async () =>
      (await assigned()) !== assignedBefore ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await configSyncs()).toBe(before);
    // A spec change still does.
    await lab.apply(poolYaml('resync', [`${net(3, 200)}/32`], '  autoAssign: false\n'));
    await eventually('a new pool resyncs the config', async () =>
      (await configSyncs()) > before ? true : undefined,
    );
  });
});
