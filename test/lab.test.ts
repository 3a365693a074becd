import { CoreV1Api, DiscoveryV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { curlFromClient, eventually, httpStatus, startTestLab } from './support/test-lab.js';

// The lab's realism: real apiserver, real EndpointSlice controller, real kube-proxy rules, real
// packets from the client namespace. Later issues trust these facts.
describe('lab', () => {
  let lab: Lab;
  let core: CoreV1Api;

  beforeAll(async () => {
    lab = await startTestLab('lab', { nodes: 3, bare: true });
    core = lab.kubeConfig().makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('serves the API to kubectl and to the TypeScript client', async () => {
    const version = await lab.exec('cp', ['kubectl', 'version', '-o', 'json']);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toMatch(/^v1\.3[67]\.\d+$/);
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name).sort()).toEqual(['n1', 'n2', 'n3']);
    for (const n of nodes.items) {
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).toMatch(/^198\.18\./);
    }
  });

  it('reaches a NodePort Service at every node from the client', async () => {
    const w = await deployWorkload(lab, { name: 'np', podsOn: ['n1', 'n2'], service: { type: 'NodePort' } });
    const port = w.service?.spec?.ports?.[0]?.nodePort;
    expect(port).toBeGreaterThanOrEqual(30000);
    for (const node of lab.nodes) {
      const reply = await eventually(`nodePort on ${node}`, () =>
        curlFromClient(lab, `http://${lab.nodeIp(node)}:${port}/`),
      );
      expect(w.pods.map((p) => p.name)).toContain(reply.pod);
    }
  });

  it('answers healthCheckNodePort 200 only where a Local endpoint runs', async () => {
    const w = await deployWorkload(lab, {
      name: 'hc',
      podsOn: ['n2'],
      // A class nobody implements: kube-proxy still serves the health check, and no LB touches it.
      service: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        loadBalancerClass: 'example.com/none',
      },
    });
    const hc = w.service?.spec?.healthCheckNodePort;
    expect(hc).toBeGreaterThan(0);
    const codes = async () => {
      const c = await Promise.all(
        lab.nodes.map((n) => httpStatus(lab, 'client', `http://${lab.nodeIp(n)}:${hc}/`)),
      );
      return c.join(',') === '503,200,503' ? c : undefined;
    };
    expect(await eventually('health check codes', codes)).toEqual([503, 200, 503]);
  });

  it('keeps the client address under Local and SNATs it under Cluster', async () => {
    const local = await deployWorkload(lab, {
      name: 'src-local',
      podsOn: ['n1'],
      service: { type: 'NodePort', externalTrafficPolicy: 'Local' },
    });
    const cluster = await deployWorkload(lab, {
      name: 'src-cluster',
      podsOn: ['n2'],
      service: { type: 'NodePort', externalTrafficPolicy: 'Cluster' },
    });
    const viaLocal = await eventually('Local reply', () =>
      curlFromClient(lab, `http://${lab.nodeIp('n1')}:${local.service?.spec?.ports?.[0]?.nodePort}/`),
    );
    expect(viaLocal.client).toBe(lab.addresses.clientIp);
    // Enter at n1, served by the pod on n2: the pod sees n1's address, not the client's.
    const viaCluster = await eventually('Cluster reply', () =>
      curlFromClient(lab, `http://${lab.nodeIp('n1')}:${cluster.service?.spec?.ports?.[0]?.nodePort}/`),
    );
    expect(viaCluster.pod).toBe(cluster.pods[0]?.name);
    expect(viaCluster.node).toBe('n2');
    expect(viaCluster.client).not.toBe(lab.addresses.clientIp);
    expect(viaCluster.client).toBe(lab.nodeIp('n1'));
  });

  it('keeps one client on one pod with sessionAffinity ClientIP, and spreads without it', async () => {
    const sticky = await deployWorkload(lab, {
      name: 'sticky',
      podsOn: ['n1', 'n2', 'n3'],
      service: { type: 'NodePort', sessionAffinity: 'ClientIP' },
    });
    const spread = await deployWorkload(lab, {
      name: 'spread',
      podsOn: ['n1', 'n2', 'n3'],
      service: { type: 'NodePort' },
    });
    const podsSeen = async (port: number | undefined, n: number) => {
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        const r = await eventually('reply', () => curlFromClient(lab, `http://${lab.nodeIp('n3')}:${port}/`));
        seen.add(r.pod);
      }
      return seen;
    };
    await eventually('all sticky endpoints', async () => {
      const discovery = lab.kubeConfig().makeApiClient(DiscoveryV1Api);
      const s = await discovery.listNamespacedEndpointSlice({
        namespace: 'default',
        labelSelector: 'kubernetes.io/service-name=sticky',
      });
      return s.items.flatMap((e) => e.endpoints).length === 3 ? true : undefined;
    });
    expect((await podsSeen(sticky.service?.spec?.ports?.[0]?.nodePort, 20)).size).toBe(1);
    // The control: the same path without affinity reaches more than one pod, so the check above can fail.
    expect((await podsSeen(spread.service?.spec?.ports?.[0]?.nodePort, 30)).size).toBeGreaterThan(1);
  });
});
