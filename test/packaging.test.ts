import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/lab/cluster/binaries.js';
import type { Lab } from '../src/lab/lab.js';
import { eventually, startTestLab } from './support/test-lab.js';

// The manifests against the real apiserver: they apply, the RBAC is enough (the lab runs the
// controller and speakers as these ServiceAccounts, so every other suite proves that) and no more,
// and bad objects are refused with a message a person can act on.
describe('packaging', () => {
  let lab: Lab;
  const sa = (name: string) => `system:serviceaccount:barelb-system:${name}`;
  const canI = async (who: string, ...args: string[]) => {
    const r = await lab.exec('cp', ['kubectl', 'auth', 'can-i', ...args, '--as', sa(who)], { check: false });
    return r.stdout.trim();
  };

  beforeAll(async () => {
    lab = await startTestLab('packaging', { nodes: 1, speakers: false, demo: false });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('kubectl apply --dry-run=server -k deploy/ succeeds, and so does every sample', async () => {
    const r = await lab.exec(
      'cp',
      ['kubectl', 'apply', '--dry-run=server', '-k', join(REPO_ROOT, 'deploy')],
      { check: false },
    );
    expect(r.stderr.replace(/Warning: .*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deployment.apps\/barelb-controller .*\(server dry run\)/);
    expect(r.stdout).toMatch(/daemonset.apps\/barelb-speaker .*\(server dry run\)/);
    const samples = readdirSync(join(REPO_ROOT, 'config', 'samples')).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect(samples.length).toBeGreaterThan(3);
    for (const f of samples) {
      const s = await lab.exec(
        'cp',
        ['kubectl', 'apply', '--dry-run=server', '-f', join(REPO_ROOT, 'config', 'samples', f)],
        { check: false },
      );
      expect(s.code, `${f}: ${s.stderr}`).toBe(0);
    }
    const overlay = await lab.exec(
      'cp',
      ['kubectl', 'apply', '--dry-run=server', '-k', join(REPO_ROOT, 'config', 'samples', 'homelab')],
      { check: false },
    );
    expect(overlay.code, overlay.stderr).toBe(0);
  });

  it.each([
    { who: 'barelb-controller', args: ['patch', 'services', '--subresource=status', '-A'], want: 'yes' },
    { who: 'barelb-controller', args: ['watch', 'services', '-A'], want: 'yes' },
    {
      who: 'barelb-controller',
      args: ['patch', 'ipaddresspools.barelb.io', '--subresource=status', '-n', 'barelb-system'],
      want: 'yes',
    },
    { who: 'barelb-controller', args: ['patch', 'services', '-A'], want: 'no' },
    { who: 'barelb-controller', args: ['update', 'services', '-n', 'default'], want: 'no' },
    { who: 'barelb-controller', args: ['get', 'secrets', '-n', 'kube-system'], want: 'no' },
    { who: 'barelb-controller', args: ['get', 'secrets', '-n', 'barelb-system'], want: 'no' },
    { who: 'barelb-controller', args: ['delete', 'nodes'], want: 'no' },
    {
      who: 'barelb-speaker',
      args: ['create', 'servicel2statuses.barelb.io', '-n', 'barelb-system'],
      want: 'yes',
    },
    { who: 'barelb-speaker', args: ['watch', 'endpointslices.discovery.k8s.io', '-A'], want: 'yes' },
    {
      who: 'barelb-speaker',
      args: ['update', 'leases.coordination.k8s.io', '-n', 'barelb-system'],
      want: 'yes',
    },
    { who: 'barelb-speaker', args: ['watch', 'bgppeers.barelb.io', '-n', 'barelb-system'], want: 'yes' },
    { who: 'barelb-speaker', args: ['watch', 'communities.barelb.io', '-n', 'barelb-system'], want: 'yes' },
    {
      who: 'barelb-speaker',
      args: ['create', 'bgpsessionstatuses.barelb.io', '-n', 'barelb-system'],
      want: 'yes',
    },
    { who: 'barelb-speaker', args: ['update', 'bgppeers.barelb.io', '-n', 'barelb-system'], want: 'no' },
    { who: 'barelb-speaker', args: ['patch', 'services', '-A'], want: 'no' },
    { who: 'barelb-speaker', args: ['patch', 'services', '--subresource=status', '-A'], want: 'no' },
    { who: 'barelb-speaker', args: ['get', 'secrets', '-n', 'kube-system'], want: 'no' },
    // BGP passwords (passwordSecret) are Secrets in its own namespace; nowhere else.
    { who: 'barelb-speaker', args: ['get', 'secrets', '-n', 'barelb-system'], want: 'yes' },
    { who: 'barelb-speaker', args: ['list', 'secrets', '-n', 'default'], want: 'no' },
    { who: 'barelb-speaker', args: ['create', 'secrets', '-n', 'barelb-system'], want: 'no' },
    { who: 'barelb-speaker', args: ['delete', 'nodes'], want: 'no' },
    {
      who: 'barelb-speaker',
      args: ['update', 'leases.coordination.k8s.io', '-n', 'kube-system'],
      want: 'no',
    },
  ])('$who: can-i $args → $want', async ({ who, args, want }) => {
    expect(await canI(who, ...args)).toBe(want);
  });

  it('the controller, running as its ServiceAccount, allocates', async () => {
    if (lab.realNodes) {
      // deploy/'s pods, with their ServiceAccount's token mounted by the kubelet.
      const r = await lab.exec('cp', [
        'kubectl',
        '-n',
        'barelb-system',
        'get',
        'pods',
        '-l',
        'app.kubernetes.io/component=controller',
        '-o',
        'jsonpath={.items[*].spec.serviceAccountName}',
      ]);
      expect(new Set(r.stdout.trim().split(' '))).toEqual(new Set(['barelb-controller']));
    } else {
      // The host-process controller impersonates its ServiceAccount.
      const kc = await lab.exec('cp', [
        'grep',
        '-c',
        'as: system:serviceaccount:barelb-system:barelb-controller',
        join(lab.stateDir, 'barelb-controller.kubeconfig'),
      ]);
      expect(kc.stdout.trim()).toBe('1');
    }
    await lab.exec('cp', ['kubectl', 'create', 'service', 'loadbalancer', 'as-sa', '--tcp=80:8080']);
    await eventually('IP', async () => {
      const r = await lab.exec('cp', [
        'kubectl',
        'get',
        'svc',
        'as-sa',
        '-o',
        'jsonpath={.status.loadBalancer.ingress[0].ip}',
      ]);
      return r.stdout !== '' ? r.stdout : undefined;
    });
  });

  const pool = (name: string, spec: string) =>
    `apiVersion: barelb.io/v1alpha1\nkind: IPAddressPool\nmetadata: {name: ${name}, namespace: barelb-system}\nspec:\n${spec}\n`;

  it.each([
    { name: 'malformed CIDR', spec: '  addresses: ["198.18.0.0/33"]', want: /addresses/i },
    { name: 'host bits set', spec: '  addresses: ["198.18.0.1/24"]', want: /addresses/i },
    { name: 'reversed range', spec: '  addresses: ["198.18.0.20-198.18.0.10"]', want: /addresses/i },
    {
      name: 'negative priority',
      spec: '  addresses: ["198.18.0.0/28"]\n  serviceAllocation: {priority: -1}',
      want: /priority/i,
    },
  ])('CEL refuses a $name at admission with a readable message', async ({ name, spec, want }) => {
    const r = await lab.exec('cp', ['kubectl', 'apply', '-f', '-'], {
      input: pool(`bad-${name.replaceAll(' ', '-')}`, spec),
      check: false,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is invalid/);
    expect(r.stderr).toMatch(want);
    console.log(`${name}: ${r.stderr.trim()}`);
  });

  const bgpObject = (kind: string, name: string, spec: string) =>
    `apiVersion: barelb.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: barelb-system}\nspec:\n${spec}\n`;
  const peerSpec = (more: string) => `  myASN: 64512\n  peerAddress: 198.18.0.240\n${more}`;

  it.each([
    { kind: 'BGPPeer', name: 'no peer ASN', spec: peerSpec(''), want: /peerASN or dynamicASN/ },
    {
      kind: 'BGPPeer',
      name: 'both ASN kinds',
      spec: peerSpec('  peerASN: 64513\n  dynamicASN: external'),
      want: /exactly one/,
    },
    {
      kind: 'BGPPeer',
      name: 'password and passwordSecret',
      spec: peerSpec('  peerASN: 64513\n  password: x\n  passwordSecret: {name: s}'),
      want: /not both/,
    },
    {
      kind: 'BGPPeer',
      name: 'hold time 2s',
      spec: peerSpec('  peerASN: 64513\n  holdTime: 2s'),
      want: /0s or 3s/,
    },
    {
      kind: 'BGPPeer',
      name: 'hold time 3500ms',
      spec: peerSpec('  peerASN: 64513\n  holdTime: 3500ms'),
      want: /whole seconds/,
    },
    {
      kind: 'BGPPeer',
      name: 'hold time not a duration',
      spec: peerSpec('  peerASN: 64513\n  holdTime: soon'),
      want: /not a duration/,
    },
    {
      kind: 'BGPPeer',
      name: 'ebgpMultiHop on iBGP',
      spec: peerSpec('  peerASN: 64512\n  ebgpMultiHop: true'),
      want: /ebgpMultiHop is for eBGP/,
    },
    { kind: 'BGPPeer', name: 'vrf', spec: peerSpec('  peerASN: 64513\n  vrf: red'), want: /default VRF/ },
    {
      kind: 'BGPPeer',
      name: 'bad peer address',
      spec: '  myASN: 64512\n  peerASN: 1\n  peerAddress: router',
      want: /not an IP address/,
    },
    {
      kind: 'BGPPeer',
      name: 'IPv6 source for an IPv4 peer',
      spec: peerSpec('  peerASN: 64513\n  sourceAddress: "2002:c612::b"'),
      want: /different families/,
    },
    {
      kind: 'BGPAdvertisement',
      name: 'aggregation /33',
      spec: '  aggregationLength: 33',
      want: /aggregationLength/,
    },
    {
      kind: 'Community',
      name: 'malformed value',
      spec: '  communities: [{name: NO_ADVERTISE, value: "65535:70000"}]',
      want: /at most 65535/,
    },
    {
      kind: 'Community',
      name: 'value that is no community',
      spec: '  communities: [{name: X, value: "large:1:2"}]',
      want: /not a community/,
    },
    { kind: 'BFDProfile', name: 'multiplier 1', spec: '  detectMultiplier: 1', want: /detectMultiplier/ },
  ])(
    'CEL refuses a $kind with $name at admission with a readable message',
    async ({ kind, name, spec, want }) => {
      const r = await lab.exec('cp', ['kubectl', 'apply', '-f', '-'], {
        input: bgpObject(kind, `bad-${name.replaceAll(/[^a-z0-9]+/gi, '-').toLowerCase()}`, spec),
        check: false,
      });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/is invalid/);
      expect(r.stderr).toMatch(want);
      console.log(`${kind} ${name}: ${r.stderr.trim()}`);
    },
  );

  it('admits the BGP objects of docs/bgp.md, with the defaults filled in', async () => {
    await lab.apply(
      bgpObject('BGPPeer', 'router', peerSpec('  peerASN: 64513\n  holdTime: 9s\n  keepaliveTime: 3s')) +
        '---\n' +
        bgpObject(
          'BGPAdvertisement',
          'bgp',
          '  ipAddressPools: [bgp]\n  communities: ["65535:65281", "large:64512:1:2", NO_ADVERTISE]',
        ) +
        '---\n' +
        bgpObject('Community', 'names', '  communities: [{name: NO_ADVERTISE, value: "65535:65282"}]') +
        '---\n' +
        bgpObject('BFDProfile', 'fast', '  receiveInterval: 100\n  transmitInterval: 100'),
    );
    const r = await lab.exec('cp', [
      'kubectl',
      '-n',
      'barelb-system',
      'get',
      'bgppeer/router',
      'bgpadvertisement/bgp',
      '-o',
      'jsonpath={.items[0].spec.peerPort} {.items[1].spec.aggregationLength}',
    ]);
    expect(r.stdout).toBe('179 32');
  });

  it('an overlapping pool is caught by the controller: the newer one is Invalid, with an Event', async () => {
    const b = lab.addresses.index * 16;
    await lab.apply(pool('older', `  addresses: ["198.18.${b + 2}.0/28"]`));
    await new Promise((r) => setTimeout(r, 1_100));
    await lab.apply(pool('newer', `  addresses: ["198.18.${b + 2}.8-198.18.${b + 2}.20"]`));
    const message = await eventually('Overlap condition', async () => {
      const r = await lab.exec('cp', [
        'kubectl',
        '-n',
        'barelb-system',
        'get',
        'ipaddresspool',
        'newer',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].reason}|{.status.conditions[?(@.type=="Ready")].message}',
      ]);
      return r.stdout.startsWith('Overlap|') ? r.stdout : undefined;
    });
    console.log(`overlap: ${message}`);
    expect(message).toMatch(/overlaps pool "older"/);
    const older = await lab.exec('cp', [
      'kubectl',
      '-n',
      'barelb-system',
      'get',
      'ipaddresspool',
      'older',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    expect(older.stdout).toBe('True');
    await eventually('InvalidPool event', async () => {
      const r = await lab.exec('cp', [
        'kubectl',
        '-n',
        'barelb-system',
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=newer',
        '-o',
        'jsonpath={.items[*].reason}',
      ]);
      return r.stdout.includes('InvalidPool') ? true : undefined;
    });
  });
});
