import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  cgroupRootDirs,
  cgroupV1Hierarchies,
  cniConflist,
  containerdConfig,
  kubeletArgs,
  kubeletConfig,
  type NodeRuntimeOptions,
  nodeRuntimePaths,
  registryHostsToml,
  type TomlTable,
  toToml,
} from './node-runtime-config.js';

const opts: NodeRuntimeOptions = {
  node: 'n1',
  nodeIp: '198.18.0.11',
  baseDir: '/lab/nodes/n1',
  cgroupRoot: '/blb0-n1',
  podCidr: '198.19.1.0/24',
  podGateway: '198.19.1.1',
  podRoutes: ['198.18.0.0/15'],
  sandboxImage: 'registry.k8s.io/pause:3.10.2',
  containerdBinDir: '/cache/k8s',
  runcPath: '/usr/sbin/runc',
  cniBinDirs: ['/usr/lib/cni'],
  kubeconfig: '/lab/n1.kubeconfig',
  clientCaFile: '/lab/pki/ca.crt',
};

describe('toToml', () => {
  it.each<[string, TomlTable, string]>([
    ['plain keys', { a: 1, b: 'x', c: true }, 'a = 1\nb = "x"\nc = true\n'],
    ['string arrays', { dirs: ['/a', '/b'] }, 'dirs = ["/a", "/b"]\n'],
    ['a sub-table after the plain keys', { t: { k: 'v' }, v: 3 }, 'v = 3\n\n[t]\nk = "v"\n'],
    ['dotted names are quoted', { plugins: { 'io.x.v1': { on: true } } }, '[plugins."io.x.v1"]\non = true\n'],
    ['an empty table keeps its header', { t: {} }, '[t]\n'],
    ['strings are escaped', { s: 'a"b\\c' }, 's = "a\\"b\\\\c"\n'],
  ])('%s', (_name, doc, want) => {
    expect(toToml(doc)).toBe(want);
  });
});

describe('containerdConfig', () => {
  const toml = containerdConfig(opts);
  const p = nodeRuntimePaths(opts.baseDir);

  it.each<[string, string]>([
    ['is config version 3 (containerd 2.x)', 'version = 3\n'],
    ['has the node its own root', `root = "${p.containerdRoot}"\n`],
    ['has the node its own state', `state = "${p.containerdState}"\n`],
    ['listens on the node its own socket', `[grpc]\naddress = "${p.containerdSocket}"\n`],
    [
      'pins the sandbox image',
      `[plugins."io.containerd.cri.v1.images".pinned_images]\nsandbox = "${opts.sandboxImage}"\n`,
    ],
    ['uses the native snapshotter by default', 'snapshotter = "native"\n'],
    ['reads registry hosts from the node', `config_path = "${p.registryHostsDir}"\n`],
    ['restricts oom_score_adj', 'restrict_oom_score_adj = true\n'],
    ['keeps pod network namespaces under its state', 'netns_mounts_under_state_dir = true\n'],
    ['runs runc from the given path, cgroupfs', `BinaryName = "${opts.runcPath}"\nSystemdCgroup = false\n`],
    ['reads CNI from the node', `bin_dirs = ["/usr/lib/cni"]\nconf_dir = "${p.cniConfDir}"\n`],
    [
      'turns NRI off (its socket would be host-wide)',
      '[plugins."io.containerd.nri.v1.nri"]\ndisable = true\n',
    ],
  ])('%s', (_name, fragment) => {
    expect(toml).toContain(fragment);
  });

  it('puts every path it names under the node directory', () => {
    const paths = [...toml.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1] ?? '');
    const outside = paths.filter((x) => !x.startsWith(`${opts.baseDir}/`));
    expect(outside.sort()).toEqual(['/usr/lib/cni', '/usr/sbin/runc']);
  });
});

describe('containerdConfig with overlayfs', () => {
  it.each<[string, string]>([
    ['uses it for CRI images', 'snapshotter = "overlayfs"\n'],
    [
      'keeps its snapshots under the node',
      `root_path = "${nodeRuntimePaths(opts.baseDir).containerdRoot}/snapshots-overlayfs"`,
    ],
  ])('%s', (_name, fragment) => {
    expect(containerdConfig({ ...opts, snapshotter: 'overlayfs' })).toContain(fragment);
  });
});

describe('kubeletConfig heartbeats', () => {
  it.each<[string, Partial<NodeRuntimeOptions>, Record<string, unknown>]>([
    ['Kubernetes defaults when unset', {}, {}],
    [
      "the lab's shorter ones when set",
      { nodeLeaseDurationSeconds: 12, nodeStatusUpdateFrequency: '4s' },
      { nodeLeaseDurationSeconds: 12, nodeStatusUpdateFrequency: '4s' },
    ],
  ])('%s', (_name, extra, want) => {
    const doc = parse(kubeletConfig({ ...opts, ...extra })) as Record<string, unknown>;
    expect({
      ...(doc.nodeLeaseDurationSeconds !== undefined
        ? { nodeLeaseDurationSeconds: doc.nodeLeaseDurationSeconds }
        : {}),
      ...(doc.nodeStatusUpdateFrequency !== undefined
        ? { nodeStatusUpdateFrequency: doc.nodeStatusUpdateFrequency }
        : {}),
    }).toEqual(want);
  });
});

describe('registryHostsToml', () => {
  it('sends pulls to a closed port on loopback, never upstream', () => {
    expect(registryHostsToml()).toBe('server = "http://127.0.0.1:9"\n');
  });
});

describe('kubeletConfig', () => {
  const cfg = parse(kubeletConfig(opts)) as Record<string, unknown>;
  const p = nodeRuntimePaths(opts.baseDir);

  it.each<[string, unknown]>([
    ['failCgroupV1', false],
    ['cgroupDriver', 'cgroupfs'],
    ['cgroupRoot', '/blb0-n1'],
    ['containerRuntimeEndpoint', `unix://${p.containerdSocket}`],
    ['podLogsDir', p.podLogsDir],
    ['address', '198.18.0.11'],
    ['readOnlyPort', 0],
    ['failSwapOn', false],
    ['resolvConf', ''],
    ['enforceNodeAllocatable', []],
    ['authorization', { mode: 'Webhook' }],
  ])('%s', (key, want) => {
    expect(cfg[key]).toEqual(want);
  });

  it('is a KubeletConfiguration', () => {
    expect([cfg.apiVersion, cfg.kind]).toEqual(['kubelet.config.k8s.io/v1beta1', 'KubeletConfiguration']);
  });
});

describe('kubeletArgs', () => {
  it('gives the node its own root and cert dirs, name and address', () => {
    expect(kubeletArgs(opts)).toEqual([
      '--config=/lab/nodes/n1/kubelet.yaml',
      '--kubeconfig=/lab/n1.kubeconfig',
      '--root-dir=/lab/nodes/n1/kubelet',
      '--cert-dir=/lab/nodes/n1/kubelet/pki',
      '--hostname-override=n1',
      '--node-ip=198.18.0.11',
      '--v=1',
    ]);
  });
});

describe('cniConflist', () => {
  const c = JSON.parse(cniConflist(opts)) as {
    plugins: { type: string; bridge?: string; ipMasq?: boolean; ipam?: Record<string, unknown> }[];
  };

  it('bridges pods on the node, without masquerading', () => {
    expect(c.plugins[0]).toMatchObject({ type: 'bridge', bridge: 'cbr0', ipMasq: false, isGateway: true });
  });

  it('hands out the node pod CIDR, keeps IPAM state per node, and routes only the lab block', () => {
    expect(c.plugins[0]?.ipam).toEqual({
      type: 'host-local',
      dataDir: '/lab/nodes/n1/cni/ipam',
      ranges: [[{ subnet: '198.19.1.0/24', gateway: '198.19.1.1' }]],
      routes: [{ dst: '198.18.0.0/15' }],
    });
  });
});

describe('cgroupRootDirs', () => {
  it.each<[string, string, string[], string[]]>([
    ['one level', '/blb0-n1', ['/sys/fs/cgroup/cpu'], ['/sys/fs/cgroup/cpu/blb0-n1']],
    [
      'parents first',
      '/lab/n1',
      ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids'],
      [
        '/sys/fs/cgroup/memory/lab',
        '/sys/fs/cgroup/memory/lab/n1',
        '/sys/fs/cgroup/pids/lab',
        '/sys/fs/cgroup/pids/lab/n1',
      ],
    ],
  ])('%s', (_name, root, hierarchies, want) => {
    expect(cgroupRootDirs(root, hierarchies)).toEqual(want);
  });

  it('refuses the host root', () => {
    expect(() => cgroupRootDirs('/', ['/sys/fs/cgroup/cpu'])).toThrow(RangeError);
  });
});

describe('cgroupV1Hierarchies', () => {
  it('lists v1 mounts and leaves cgroup2 and other file systems out', () => {
    const mounts = [
      'tmpfs /sys/fs/cgroup tmpfs ro,nosuid 0 0',
      'cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0',
      'cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0',
      'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0',
    ].join('\n');
    expect(cgroupV1Hierarchies(mounts)).toEqual(['/sys/fs/cgroup/cpu,cpuacct', '/sys/fs/cgroup/memory']);
  });

  it('adds the cgroup2 mount when asked (for removal)', () => {
    const mounts = [
      'cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0',
      'cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0',
    ].join('\n');
    expect(cgroupV1Hierarchies(mounts, true)).toEqual(['/sys/fs/cgroup/unified', '/sys/fs/cgroup/pids']);
  });
});
