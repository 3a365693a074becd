import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { announcedBy, arpingAnswers } from './support/l2.js';
import { createLbService, getService, ingressIps, waitForIps } from './support/services.js';
import { curlFromClient, eventually, speakersReady, startTestLab } from './support/test-lab.js';

const run = promisify(execFile);

/** The CLI from this checkout, as `npm run barelb` runs it, with text on stdin. */
async function barelb(args: readonly string[], input = ''): Promise<{ stdout: string; stderr: string }> {
  const child = run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    timeout: 60_000,
    maxBuffer: 4 << 20,
  });
  child.child.stdin?.end(input);
  return child;
}

/**
 * A MetalLB configuration that uses every field of v0.16's IPAddressPool and L2Advertisement, written for
 * the lab's segment: pool `shop` serves only Services labelled `exposure: public` in namespace `shop`, and
 * only n2 announces them, on eth0.
 */
function metallbConfig(segmentBase: number): string {
  return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: shop
  namespace: metallb-system
  labels: {exposure: shop}
spec:
  addresses: [198.18.${segmentBase}.160/29]
  autoAssign: false
  avoidBuggyIPs: true
  serviceAllocation:
    priority: 5
    namespaces: [shop]
    namespaceSelectors:
      - matchLabels: {team: shop}
    serviceSelectors:
      - matchExpressions:
          - {key: exposure, operator: In, values: [public]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: shop
  namespace: metallb-system
spec:
  ipAddressPools: [shop]
  ipAddressPoolSelectors:
    - matchLabels: {exposure: shop}
  nodeSelectors:
    - matchLabels: {kubernetes.io/hostname: n2}
  serviceSelectors:
    - matchLabels: {exposure: public}
  interfaces: [eth0]
`;
}

// What an operator meets first: a configuration converted from MetalLB, and `barelb status` when things fail.
describe('operability', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startTestLab('operability', { nodes: 3 });
    await speakersReady(lab);
  }, 300_000);
  afterAll(async () => {
    await lab?.stop();
  });

  it('applies what `barelb migrate` made of a MetalLB configuration using every L2 field, and announces by it', async () => {
    const { stdout, stderr } = await barelb(['migrate'], metallbConfig(lab.addresses.index * 16));
    // Every field converts: nothing left out, nothing refused.
    expect(stderr).toBe('');
    expect(stdout).toContain('kind: L2Advertisement');
    await lab.apply(stdout);

    await deployWorkload(lab, { name: 'shop-web', namespace: 'shop', podsOn: ['n1', 'n3'] });
    const pool = { 'metallb.io/address-pool': 'shop' };
    await createLbService(lab, 'shop-web', {
      namespace: 'shop',
      labels: { exposure: 'public' },
      annotations: pool,
      selector: { app: 'shop-web' },
    });
    // The same pool asked for by a Service its serviceSelectors leave out.
    await createLbService(lab, 'shop-internal', {
      namespace: 'shop',
      labels: { exposure: 'internal' },
      annotations: pool,
      selector: { app: 'shop-web' },
    });

    const [ip = ''] = await waitForIps(lab, 'shop-web', 'shop', 1, 60_000);
    const last = Number(ip.split('.')[3]);
    expect(ip.startsWith(`198.18.${lab.addresses.index * 16}.`) && last >= 160 && last <= 167).toBe(true);
    // nodeSelectors: n2 alone announces it, whoever would win the election without them.
    await eventually('n2 announcing shop-web', async () =>
      (await announcedBy(lab, 'shop-web', 'shop')) === 'n2' ? true : undefined,
    );
    expect(await arpingAnswers(lab, ip, 3)).toEqual(['n2', 'n2', 'n2']);
    const reply = await eventually('a reply through n2', () => curlFromClient(lab, `http://${ip}/`), 60_000);
    expect(reply.pod).toMatch(/^shop-web/);
    // serviceAllocation.serviceSelectors: the other Service gets nothing from the pool.
    expect(ingressIps(await getService(lab, 'shop-internal', 'shop'))).toEqual([]);
  }, 240_000);

  it('`barelb status` marks an announcement stale when no speaker runs any more', async () => {
    const kubectl = (args: string[]) =>
      lab.exec('cp', ['kubectl', '-n', 'barelb-system', ...args], { timeoutMs: 200_000 });
    const status = async () => (await barelb(['status', '--kubeconfig', lab.kubeconfig])).stdout;
    const demoLine = (text: string) => text.split('\n').find((l) => l.includes('default/demo')) ?? '';
    const [ip = ''] = await waitForIps(lab, 'demo');
    const owner = await eventually('an announcer of demo', () => announcedBy(lab, 'demo'));
    expect(demoLine(await status())).toContain(owner);
    expect(demoLine(await status())).not.toContain('[stale]');

    // Every speaker leaves (the DaemonSet now selects no node), as after a broken upgrade or uninstall.
    await kubectl([
      'patch',
      'daemonset/barelb-speaker',
      '--type=merge',
      '-p',
      '{"spec":{"template":{"spec":{"nodeSelector":{"barelb.io/test-no-node":"true"}}}}}',
    ]);
    await eventually(
      'no speaker pod',
      async () => {
        const r = await kubectl(['get', 'pods', '-l', 'app.kubernetes.io/component=speaker', '-o', 'name']);
        return r.stdout.trim() === '' ? true : undefined;
      },
      120_000,
    );
    const line = demoLine(await status());
    console.log(`barelb status with no speaker: ${line}`);
    // Either the speakers took their announcement with them, or status says it is stale: never a node
    // named as if it answered.
    expect(line.includes('[stale]') || line.includes('not announced'), line).toBe(true);
    expect(await arpingAnswers(lab, ip, 2)).toEqual([]);

    await kubectl(['rollout', 'undo', 'daemonset/barelb-speaker']);
    await kubectl(['rollout', 'status', 'daemonset/barelb-speaker', '--timeout=180s']);
    await eventually(
      'demo announced again, not stale',
      async () => {
        const l = demoLine(await status());
        return l.includes(await announcedBy(lab, 'demo').then((n) => n ?? '-')) && !l.includes('[stale]')
          ? true
          : undefined;
      },
      90_000,
    );
  }, 420_000);
});
