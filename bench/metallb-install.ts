/**
 * MetalLB in a host-process lab, beside BareLB, for `npm run bench:vs-metallb` (issue 14). Its
 * controller and speakers are the release's own binaries, built by scripts/build-metallb.sh into the
 * cache, and run the way the lab runs BareLB's: as processes in the control-plane and node network
 * namespaces, each with a kubeconfig that impersonates its ServiceAccount, so RBAC from the release's
 * manifest gives them what an installed MetalLB has. Outside a cluster MetalLB needs what a kubelet
 * would give it: its own Pod objects (it reads its Pod at start; the speakers find each other for
 * memberlist through their Pods' IPs), and the memberlist key as a file.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../src/lab/cluster/binaries.js';
import { createRunningPod } from '../src/lab/cluster/cluster-objects.js';
import type { Lab } from '../src/lab/lab.js';
import { eventually } from '../test/support/test-lab.js';

export const METALLB_NS = 'metallb-system';
/** MetalLB handles only Services of this class (--lb-class); BareLB leaves them alone. */
export const METALLB_CLASS = 'metallb.io/bench';
export const METALLB_CONTROLLER = 'metallb-controller';
export const metallbSpeaker = (node: string) => `metallb-speaker-${node}`;
/** memberlist's port: BareLB's heartbeats have MetalLB's default, 7946, on the same nodes. */
const MEMBERLIST_PORT = 7947;
/** MetalLB's own default health-probe port; BareLB listens on none of 1747x. */
const HEALTH_PORT = 17472;
const SPEAKER_LABELS = { app: 'metallb', component: 'speaker' };

/** Kinds of the release manifest the lab leaves out: its workloads (run as processes here) and the webhook. */
const NOT_APPLIED = new Set(['Deployment', 'DaemonSet', 'ValidatingWebhookConfiguration']);

/** The documents of MetalLB's install manifest a host-process install applies (pure; table-tested). */
export function manifestForHostProcesses(manifest: string): string {
  return parseAllDocuments(manifest)
    .map((d) => d.toJSON() as { kind?: string } | null)
    .filter((d): d is { kind?: string } => d !== null && !NOT_APPLIED.has(d.kind ?? ''))
    .map((d) => stringify(d))
    .join('---\n');
}

/** The pools MetalLB hands out, by purpose. */
export interface MetallbPools {
  /** On the lab's segment, so the client reaches them by ARP: the failover Services'. */
  readonly segment: string;
  /** Many addresses, for the namespace the burst and backlog Services live in. */
  readonly bulk: { readonly cidr: string; readonly namespace: string };
}

/** MetalLB's IPAddressPools and the L2Advertisement of both (pure; table-tested). */
export function metallbPoolManifest(pools: MetallbPools): string {
  return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: segment, namespace: ${METALLB_NS}}
spec:
  addresses: ["${pools.segment}"]
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: bulk, namespace: ${METALLB_NS}}
spec:
  addresses: ["${pools.bulk.cidr}"]
  serviceAllocation: {priority: 1, namespaces: ["${pools.bulk.namespace}"]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: bench, namespace: ${METALLB_NS}}
spec:
  ipAddressPools: [segment, bulk]
`;
}

/** Builds (or finds in the cache) MetalLB's binaries and manifest; resolves with their directory. */
export async function buildMetallb(): Promise<string> {
  const script = join(REPO_ROOT, 'scripts', 'build-metallb.sh');
  return new Promise<string>((resolve, reject) => {
    const child = spawn(script, [], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const dir = out.trim().split('\n').pop() ?? '';
      if (code === 0 && dir !== '') resolve(dir);
      else reject(new Error(`${script} failed with exit ${code}`));
    });
  });
}

/**
 * Installs MetalLB from `dir` (see buildMetallb) into a host-process lab: the manifest's namespace,
 * CRDs and RBAC, the pools, Pod objects for every process, then the controller in the control-plane
 * namespace and a speaker in every node's.
 */
export async function installMetallb(lab: Lab, dir: string, pools: MetallbPools): Promise<void> {
  const manifest = manifestForHostProcesses(await readFile(join(dir, 'metallb-native.yaml'), 'utf8'));
  await lab.exec('cp', ['kubectl', 'apply', '--server-side', '-f', '-'], { input: manifest });
  await lab.exec('cp', ['kubectl', 'wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  await lab.apply(metallbPoolManifest(pools));

  const state = join(lab.stateDir, 'metallb');
  const keyDir = join(state, 'memberlist');
  await mkdir(keyDir, { recursive: true });
  // The file name MetalLB reads from --ml-secret-key-path.
  await writeFile(join(keyDir, 'secretkey'), randomBytes(64).toString('base64'), { mode: 0o600 });
  const kubeconfig = async (sa: string) => {
    const file = join(state, `${sa}.kubeconfig`);
    await lab.writeClientKubeconfig(file, `system:serviceaccount:${METALLB_NS}:${sa}`);
    return file;
  };
  const controllerKc = await kubeconfig('controller');
  const speakerKc = await kubeconfig('speaker');

  const core = lab.kubeConfig().makeApiClient(CoreV1Api);
  const [firstNode = ''] = lab.nodes;
  await createRunningPod(core, {
    name: 'controller',
    namespace: METALLB_NS,
    node: firstNode,
    nodeIp: lab.nodeIp(firstNode),
    ip: lab.addresses.cpIp,
    labels: { app: 'metallb', component: 'controller' },
  });
  for (const node of lab.nodes) {
    // A speaker runs on its node's network: its Pod's IP is the node's, which memberlist binds.
    const ip = lab.nodeIp(node);
    await createRunningPod(core, {
      name: `speaker-${node}`,
      namespace: METALLB_NS,
      node,
      nodeIp: ip,
      ip,
      labels: SPEAKER_LABELS,
    });
  }

  const logs = lab.paths().logs;
  const common = [
    `--namespace=${METALLB_NS}`,
    `--lb-class=${METALLB_CLASS}`,
    `--health-probe-port=${HEALTH_PORT}`,
  ];
  await lab.startComponent({
    name: METALLB_CONTROLLER,
    ns: lab.namespaceOf('cp'),
    cmd: join(dir, 'controller'),
    args: [...common, '--pod-name=controller', '--webhook-mode=disabled', '--disable-cert-rotation'],
    env: { KUBECONFIG: controllerKc },
    logFile: join(logs, `${METALLB_CONTROLLER}.log`),
  });
  for (const node of lab.nodes) {
    await lab.startComponent({
      name: metallbSpeaker(node),
      ns: lab.namespaceOf(node),
      cmd: join(dir, 'speaker'),
      args: [
        ...common,
        `--node-name=${node}`,
        `--pod-name=speaker-${node}`,
        `--ml-bindaddr=${lab.nodeIp(node)}`,
        `--ml-bindport=${MEMBERLIST_PORT}`,
        `--ml-labels=${Object.entries(SPEAKER_LABELS)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`,
        `--ml-secret-key-path=${keyDir}`,
      ],
      env: { KUBECONFIG: speakerKc },
      logFile: join(logs, `${metallbSpeaker(node)}.log`),
    });
  }
}

/** Waits until a node's MetalLB speaker answers its readiness probe (from inside the node). */
export async function metallbSpeakerReady(lab: Lab, node: string, timeoutMs = 120_000): Promise<void> {
  await eventually(
    `${metallbSpeaker(node)} ready`,
    async () => {
      const url = `http://127.0.0.1:${HEALTH_PORT}/readyz`;
      const r = await lab.exec(node, ['curl', '-sf', '--max-time', '2', url], { check: false });
      return r.code === 0 ? true : undefined;
    },
    timeoutMs,
  );
}
