import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, SERVICE_L2_STATUS, VERSION } from '../src/config/crd-types.js';
import type { Lab } from '../src/lab/lab.js';
import { deployWorkload } from '../src/lab/workloads/workload.js';
import { arpingAnswers } from './support/l2.js';
import { ServiceWatchRecorder } from './support/service-watch-recorder.js';
import { createLbService, poolYaml } from './support/services.js';
import { eventually, startTestLab } from './support/test-lab.js';

// Issue 18 in the lab: pools are flipped under 32 live Services competing for 24 addresses (rename,
// delete under an overlapping pool, shrink, delete all, re-create) five times, while every Service watch event is replayed to
// check that no address is ever shown on two Services without a shared key, that requested
// addresses stay while a pool covers them, and that ARP for released addresses stops within 5 s.
const NS = 'flip';
const ROUNDS = 5;
/** Addresses in the full pool; more Services want one, so some always wait for an address to free. */
const POOL_SIZE = 24;

describe('allocation integrity under pool changes', () => {
  let lab: Lab;
  let recorder: ServiceWatchRecorder;
  let net: (last: number) => string;
  const requested = new Map<string, string>();

  const kubectl = (...args: string[]) => lab.exec('cp', ['kubectl', '-n', 'barelb-system', ...args]);
  const deletePool = (name: string) => kubectl('delete', 'ipaddresspool', name, '--wait=false');
  const holding = () => [...recorder.state.values()].filter((s) => s.ips.length > 0).length;
  const inUse = () => new Set([...recorder.state.values()].flatMap((s) => s.ips)).size;
  /** The whole pool (.64-.87), as one range or as three overlapping-by-design CIDRs of the same set. */
  const full = () => [`${net(64)}-${net(64 + POOL_SIZE - 1)}`];
  const sameSetAsCidrs = () => [`${net(64)}/29`, `${net(72)}/29`, `${net(80)}/29`];
  /**
   * The first pool keeps out the "late" Services, which are created first: so the Services waiting for
   * an address come first in the controller's queue when a change admits them, and a release that is
   * decided but not yet written is exactly what they would grab.
   */
  const NOT_LATE =
    '  serviceAllocation:\n    serviceSelectors:\n      - matchExpressions: [{key: tier, operator: NotIn, values: [late]}]\n';
  const snapshot = () =>
    [...recorder.state]
      .map(([name, s]) => `${name}=${s.ips.join(',')}`)
      .sort()
      .join(' ');

  beforeAll(async () => {
    lab = await startTestLab('integrity', { nodes: 2, controllers: 1, speakers: true, demo: false });
    const b = lab.addresses.index * 16;
    net = (last) => `198.18.${b + 1}.${last}`;
    // Only the pools this test flips: the lab's own pool would catch every Service that loses its IP.
    await deletePool('lab');
    await lab.apply(
      'apiVersion: barelb.io/v1alpha1\nkind: L2Advertisement\nmetadata: {name: every-pool, namespace: barelb-system}\nspec: {}\n',
    );
    await lab.apply(poolYaml('pa', full(), NOT_LATE));
    // Pods on both nodes give every Service endpoints, so its address is really announced.
    await deployWorkload(lab, { name: 'web', namespace: NS, podsOn: ['n1', 'n2'] });
    recorder = new ServiceWatchRecorder(lab, NS);
    await recorder.start();
    const selector = { app: 'web' };
    for (let i = 0; i < 6; i++)
      await createLbService(lab, `late-${i}`, { namespace: NS, selector, labels: { tier: 'late' } });
    for (let i = 0; i < 4; i++) {
      const ip = net(65 + i);
      requested.set(`asks-${i}`, ip);
      await createLbService(lab, `asks-${i}`, {
        namespace: NS,
        selector,
        annotations: { 'barelb.io/loadBalancerIPs': ip },
      });
    }
    for (let i = 0; i < 4; i++) {
      await createLbService(lab, `shares-${i}`, {
        namespace: NS,
        selector,
        port: 80 + (i % 2),
        annotations: { 'barelb.io/allow-shared-ip': `pair-${Math.floor(i / 2)}` },
      });
    }
    // Last, so the requested addresses and the shared ones are taken before the pool runs out.
    for (let i = 0; i < 24; i++) await createLbService(lab, `plain-${i}`, { namespace: NS, selector });
    await eventually('the pool is full', async () => (inUse() === POOL_SIZE ? true : undefined));
    await recorder.settled();
  });
  afterAll(async () => {
    recorder?.stop();
    await lab?.stop();
  });

  /** Requested addresses must never leave their Service while a pool covers them. */
  const watchRequested = () => {
    const lost: string[] = [];
    const had = new Map<string, boolean>();
    for (const [name, want] of requested)
      had.set(name, recorder.state.get(name)?.ips.includes(want) ?? false);
    const off = recorder.onEvent((e) => {
      const want = requested.get(e.name);
      if (!want || e.type === 'DELETED') return;
      const has = e.ips.includes(want);
      if (had.get(e.name) && !has) lost.push(`${e.name} at ${e.rv}: [${e.ips}]`);
      had.set(e.name, has);
    });
    return { lost, off };
  };

  /** From the client, in one process: when did none of `ips` answer ARP any more (ms since epoch)? */
  const arpSilentAt = async (ips: readonly string[]): Promise<number> => {
    const script = `end=$(( $(date +%s%3N) + 15000 ))
while [ "$(date +%s%3N)" -lt "$end" ]; do
  t=$(date +%s%3N); rm -f /tmp/barelb-arp-$$
  for ip in ${ips.join(' ')}; do (arping -c 1 -w 1 -I eth0 "$ip" >/dev/null 2>&1 && touch /tmp/barelb-arp-$$) & done
  wait
  if [ ! -e /tmp/barelb-arp-$$ ]; then echo "$t"; exit 0; fi
done
rm -f /tmp/barelb-arp-$$; echo never; exit 1`;
    const r = await lab.exec('client', ['sh', '-c', script], { check: false, timeoutMs: 30_000 });
    const at = Number(r.stdout.trim());
    if (!Number.isFinite(at) || at === 0) throw new Error(`ARP still answered after 15 s: ${r.stdout}`);
    return at;
  };

  it('never shows an address on two Services, keeps requested ones, and stops ARP for released ones', async () => {
    const arpDelays: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // 1. Rename: the new name over the same range (refused while the old one lives), then the old deleted.
      const req = watchRequested();
      const held = snapshot();
      await lab.apply(poolYaml('pb', full()));
      await deletePool('pa');
      await recorder.settled();
      // 2. Delete under an overlapping pool that covers the same addresses.
      await lab.apply(poolYaml('pw', sameSetAsCidrs()));
      await deletePool('pb');
      await recorder.settled();
      expect(recorder.violations, `round ${round}: addresses on two Services`).toEqual([]);
      expect(snapshot(), `round ${round}: every address stayed put through rename and overlap`).toBe(held);
      // 3. Shrink to 16 addresses: some lose theirs, requested ones stay.
      await lab.apply(poolYaml('pw', [`${net(64)}/28`])); // .64-.79
      await recorder.settled();
      req.off();
      expect(req.lost, `round ${round}: requested addresses taken while covered`).toEqual([]);
      // 4. Every pool deleted: everyone loses, and the addresses go quiet on the wire.
      const before = new Set([...recorder.state.values()].flatMap((s) => s.ips));
      // The silence below means something only if the addresses were answered before.
      const [probe = ''] = before;
      expect(await arpingAnswers(lab, probe, 2), `round ${round}: ${probe} answered ARP`).not.toEqual([]);
      await deletePool('pw');
      const releasedAt = await eventually('every address released', async () =>
        holding() === 0 ? Date.now() : undefined,
      );
      const silentAt = await arpSilentAt([...before].slice(0, 6));
      arpDelays.push(Math.max(0, silentAt - releasedAt));
      // 5. Re-created: everyone gets an address again.
      await lab.apply(poolYaml('pa', full(), NOT_LATE));
      await eventually(`round ${round}: the pool is full again`, async () =>
        inUse() === POOL_SIZE ? true : undefined,
      );
      await recorder.settled();
    }
    console.log(
      `[integrity] ${recorder.events.length} Service watch events over ${ROUNDS} rounds; ` +
        `ARP silent after release (ms): ${arpDelays.join(', ')}`,
    );
    expect(recorder.violations).toEqual([]);
    expect(Math.max(...arpDelays)).toBeLessThanOrEqual(5_000);
  });

  it('announces each dual-stack Service from one node and writes no status in a quiet minute', async () => {
    const b = lab.addresses.index * 16;
    const v6 = `2002:c612:${b.toString(16).padStart(2, '0')}02::`;
    await lab.apply(
      poolYaml(
        'ds',
        [`${net(128)}/28`, `${v6}/124`],
        '  serviceAllocation:\n    priority: 1\n    namespaces: [dual]\n',
      ),
    );
    await deployWorkload(lab, { name: 'web', namespace: 'dual', podsOn: ['n1', 'n2'] });
    // Six, so that with per-address owners on two nodes at least one would almost surely split (1 in 64 not).
    const names = Array.from({ length: 6 }, (_, i) => `ds-${i}`);
    for (const name of names) {
      await createLbService(lab, name, {
        namespace: 'dual',
        selector: { app: 'web' },
        ipFamilyPolicy: 'RequireDualStack',
        ipFamilies: ['IPv4', 'IPv6'],
      });
    }
    const statusNode = async (name: string) =>
      (
        await kubectl('get', 'servicel2status', `dual.${name}`, '-o', 'jsonpath={.status.node}')
      ).stdout.trim();
    for (const name of names)
      await eventually(`${name} announced`, async () => (await statusNode(name)) || undefined);
    await new Promise((r) => setTimeout(r, 10_000)); // let takeover writes finish

    // The list's resourceVersion, so the watch below sends only what changes after it.
    const list = (await lab.kubeConfig().makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'barelb-system',
      plural: SERVICE_L2_STATUS.plural,
    })) as { metadata?: { resourceVersion?: string } };
    const rv = list.metadata?.resourceVersion ?? '';
    expect(rv).not.toBe('');
    const writes: string[] = [];
    const abort = await new Watch(lab.kubeConfig()).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/barelb-system/${SERVICE_L2_STATUS.plural}`,
      { resourceVersion: rv },
      (type, obj: { metadata?: { name?: string }; status?: { node?: string } }) => {
        if (obj.metadata?.name?.startsWith('dual.'))
          writes.push(`${type} ${obj.metadata.name} -> ${obj.status?.node}`);
      },
      () => {},
    );
    await new Promise((r) => setTimeout(r, 60_000));
    abort.abort();
    console.log(
      `[integrity] ServiceL2Status writes for 6 dual-stack Services in a quiet minute: ${writes.length}`,
    );
    expect(writes).toEqual([]);
  });
});
