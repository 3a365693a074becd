import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitExit } from '../src/lab/cluster/processes.js';
import { innermostPid } from '../src/lab/install/barelb-pod-processes.js';
import type { Lab } from '../src/lab/lab.js';
import { macsToNodes } from './support/l2.js';
import { LabProbe, windowStats } from './support/lab-probe.js';
import { curlFromClient, eventually, startTestLab } from './support/test-lab.js';

// Issue 13, first step: real nodes (kubelet + containerd) behind LabOptions.realNodes, BareLB installed
// from deploy/ with its local image, and a node failure as Kubernetes sees it.
describe('real nodes', () => {
  let lab: Lab;
  let core: CoreV1Api;
  let started = 0;

  beforeAll(async () => {
    started = performance.now();
    lab = await startTestLab('real-nodes', {
      nodes: 2,
      realNodes: true,
      progress: (line) => process.stderr.write(`[real-nodes lab] ${line}\n`),
    });
    process.stderr.write(`[real-nodes lab] up in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    core = lab.kubeConfig().makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const demoIp = async () =>
    (await core.readNamespacedService({ name: 'demo', namespace: 'default' })).status?.loadBalancer
      ?.ingress?.[0]?.ip ?? '';

  it("runs BareLB's pods on every node from the locally built image", async () => {
    const listing = await lab.exec('cp', ['kubectl', 'get', 'pods', '-A', '-o', 'wide']);
    process.stderr.write(`${listing.stdout}\n`);
    const pods = (await core.listNamespacedPod({ namespace: 'barelb-system' })).items;
    const speakers = pods.filter((p) => p.metadata?.labels?.['app.kubernetes.io/component'] === 'speaker');
    const controllers = pods.filter(
      (p) => p.metadata?.labels?.['app.kubernetes.io/component'] === 'controller',
    );
    expect(speakers.map((p) => p.spec?.nodeName).sort()).toEqual(['n1', 'n2']);
    expect(controllers.length).toBeGreaterThan(0);
    for (const p of [...speakers, ...controllers]) {
      expect(p.status?.phase).toBe('Running');
      expect(p.spec?.containers.map((c) => c.image)).toEqual(['localhost/barelb:dev']);
      // Issue 16: no V8 flag warning (`--lite-mode` made every start print one about --expose_wasm).
      const logs = await lab.exec('cp', ['kubectl', '-n', 'barelb-system', 'logs', p.metadata?.name ?? '']);
      expect(logs.stdout + logs.stderr).not.toMatch(/Warning: disabling flag/);
      expect(logs.stdout).toMatch(/"msg":"(speaker running|caches synced)"/);
    }
  });

  it("runs BareLB's processes as no container's PID 1 (the kernel drops signals PID 1 has no handler for)", async () => {
    const names = (await lab.componentNames()).filter((n) => n.startsWith('speaker-') || n === 'controller');
    expect(names).toEqual(expect.arrayContaining(['speaker-n1', 'speaker-n2', 'controller']));
    for (const name of names) {
      const pid = (await lab.componentPid(name)) ?? 0;
      const inner = innermostPid(readFileSync(`/proc/${pid}/status`, 'utf8'));
      // Defined: a kernel without NSpid would let the check below pass without looking.
      expect(inner, name).toBeDefined();
      expect(inner, name).not.toBe(1);
    }
  });

  it('a speaker sent SIGTERM while Node is still starting exits at once, not after the grace period', async () => {
    const before = await lab.componentPid('speaker-n2');
    await lab.stopComponent('speaker-n2', 'SIGKILL');
    // The kubelet starts the container again within a second or so: catch its process as it appears.
    let pid: number | undefined;
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      pid = await lab.componentPid('speaker-n2');
      if (pid !== undefined && pid !== before) break;
      await sleep(2);
    }
    expect(pid).toBeDefined();
    expect(pid).not.toBe(before);
    const ageMs = processAgeMs(pid ?? 0);
    process.kill(pid ?? 0, 'SIGTERM');
    const sent = performance.now();
    const gone = await waitExit(pid ?? 0, 5_000);
    process.stderr.write(
      `[real-nodes lab] speaker sent SIGTERM ${ageMs} ms after it started: ${gone ? 'gone' : 'still running'} after ${Math.round(performance.now() - sent)} ms\n`,
    );
    expect(gone).toBe(true);
    // A fresh Pod, so no crash-loop back-off is left for the tests that follow.
    await lab.restart('speaker-n2');
    await lab.exec(
      'cp',
      ['kubectl', '-n', 'barelb-system', 'rollout', 'status', 'daemonset/barelb-speaker', '--timeout=120s'],
      {
        timeoutMs: 130_000,
      },
    );
  });

  it('gives the demo Service an address that the client reaches a pod through', async () => {
    const ip = await eventually('demo LoadBalancer IP', async () => {
      const svc = await core.readNamespacedService({ name: 'demo', namespace: 'default' });
      return svc.status?.loadBalancer?.ingress?.[0]?.ip;
    });
    const seen = new Set<string>();
    await eventually(
      'replies from pods on both nodes',
      async () => {
        const reply = await curlFromClient(lab, `http://${ip}/`);
        if (reply) seen.add(reply.node);
        return seen.size === 2 ? true : undefined;
      },
      60_000,
    );
    expect([...seen].sort()).toEqual(['n1', 'n2']);
  });

  it('runs `kubectl create deployment` of the local podserver image without pulling', async () => {
    await lab.exec('cp', ['kubectl', 'create', 'deployment', 'web', '--image=localhost/podserver:dev']);
    await lab.exec('cp', ['kubectl', 'rollout', 'status', 'deployment/web', '--timeout=120s'], {
      timeoutMs: 130_000,
    });
  });

  it('rolls the speaker DaemonSet, then the controller Deployment, to a new image tag without losing a request', async () => {
    const ip = await demoIp();
    const kubectl = (args: string[], timeoutMs = 30_000) =>
      lab.exec('cp', ['kubectl', '-n', 'barelb-system', ...args], { timeoutMs });
    const rollout = (what: string) => kubectl(['rollout', 'status', what, '--timeout=300s'], 310_000);
    // A release as it arrives on a node: the same build under a new reference.
    await lab.tagImage('localhost/barelb:dev', 'localhost/barelb:next');
    await rollout('daemonset/barelb-speaker');
    const probe = LabProbe.start(lab, [ip], await macsToNodes(lab), { intervalMs: 100, maxMs: 15 * 60_000 });
    try {
      await eventually('the probe answered', async () =>
        probe.samples.some((s) => s.ok) ? true : undefined,
      );
      const from = await probe.mark('rollout');
      await kubectl(['set', 'image', 'daemonset/barelb-speaker', '*=localhost/barelb:next']);
      await rollout('daemonset/barelb-speaker');
      const speakersDone = await probe.mark('speakers rolled');
      await kubectl(['set', 'image', 'deployment/barelb-controller', '*=localhost/barelb:next']);
      // Allocation carries on through the controller's rollout.
      await lab.exec('cp', [
        'kubectl',
        'create',
        'service',
        'loadbalancer',
        'during-rollout',
        '--tcp=80:8080',
      ]);
      await rollout('deployment/barelb-controller');
      await eventually('an IP for a Service created during the rollout', async () => {
        const s = await core.readNamespacedService({ name: 'during-rollout', namespace: 'default' });
        return s.status?.loadBalancer?.ingress?.[0]?.ip;
      });
      // The last speaker back takes its IPs back: watch that too.
      await sleep(5_000);
      const to = await probe.mark('end');
      const speakers = windowStats(probe.between(ip, from, speakersDone), from, speakersDone);
      const all = windowStats(probe.between(ip, from, to), from, to);
      process.stderr.write(
        `[real-nodes lab] rollout of both to a new tag: speakers ${JSON.stringify(speakers)}, whole ${JSON.stringify(all)}\n`,
      );
      expect(all.probes).toBeGreaterThan(50);
      expect(all.failures).toBe(0);
      expect(await demoIp()).toBe(ip);
      const images = await lab.exec('cp', [
        'kubectl',
        '-n',
        'barelb-system',
        'get',
        'pods',
        '-o',
        'jsonpath={.items[*].spec.containers[*].image}',
      ]);
      expect(new Set(images.stdout.trim().split(' '))).toEqual(new Set(['localhost/barelb:next']));
    } finally {
      probe.stop();
    }
  });

  it('takes a killed node NotReady through the node lifecycle controller; traffic keeps flowing via n1', async () => {
    const ip = (await core.readNamespacedService({ name: 'demo', namespace: 'default' })).status?.loadBalancer
      ?.ingress?.[0]?.ip;
    const killedAt = performance.now();
    await lab.kill('n2');
    await eventually(
      'n2 NotReady',
      async () => {
        const n2 = await core.readNode({ name: 'n2' });
        const ready = n2.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status !== 'True' ? true : undefined;
      },
      90_000,
    );
    process.stderr.write(
      `[real-nodes lab] n2 NotReady ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill\n`,
    );
    // Once n2's endpoints have left, every request is answered by n1's pod.
    const replies = await eventually(
      'ten requests in a row answered by n1',
      async () => {
        const r = [];
        for (let i = 0; i < 10; i++) {
          const reply = await curlFromClient(lab, `http://${ip}/`);
          if (reply?.node !== 'n1') return undefined;
          r.push(reply);
        }
        return r;
      },
      90_000,
    );
    process.stderr.write(
      `[real-nodes lab] traffic all through n1 ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill\n`,
    );
    expect(replies.every((r) => r.node === 'n1')).toBe(true);
  });

  it('brings a revived node back: Ready, its speaker running, its demo pod answering', async () => {
    const revivedAt = performance.now();
    await lab.revive('n2');
    const secs = () => ((performance.now() - revivedAt) / 1000).toFixed(1);
    await eventually(
      'n2 Ready again',
      async () => {
        const n2 = await core.readNode({ name: 'n2' });
        return n2.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
          ? true
          : undefined;
      },
      120_000,
    );
    process.stderr.write(`[real-nodes lab] n2 Ready ${secs()} s after the revive\n`);
    await lab.exec(
      'cp',
      ['kubectl', '-n', 'barelb-system', 'rollout', 'status', 'daemonset/barelb-speaker', '--timeout=150s'],
      {
        timeoutMs: 160_000,
      },
    );
    const ip = (await core.readNamespacedService({ name: 'demo', namespace: 'default' })).status?.loadBalancer
      ?.ingress?.[0]?.ip;
    await eventually(
      'a reply from the pod on n2',
      async () => ((await curlFromClient(lab, `http://${ip}/`))?.node === 'n2' ? true : undefined),
      120_000,
    );
    process.stderr.write(`[real-nodes lab] n2 serving again ${secs()} s after the revive\n`);
  });
});

/** How long ago a process started, from /proc/PID/stat's start time in clock ticks since boot. */
function processAgeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Math.round(uptimeS * 1000 - (startTicks * 1000) / 100);
}
