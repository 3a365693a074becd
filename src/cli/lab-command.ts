import { spawn } from 'node:child_process';
import { Command, Option } from 'commander';
import { DEFAULT_STATE_DIR } from '../lab/cluster/lab-state.js';
import { isAlive } from '../lab/cluster/processes.js';
import { cliInvocation } from './invocation.js';

// The lab and its client are loaded on use: the controller and speaker start from this same entry
// point, and loading the lab would add to their start-up time and memory.
const labModule = () => import('../lab/lab.js');

interface UpOptions {
  readonly nodes: string;
  readonly stateDir: string;
  readonly bare?: boolean;
  readonly hostProcesses?: boolean;
  readonly kubernetesVersion?: string;
}

/** `barelb lab ...`: bring a real local cluster up and down, and rehearse failures in it. */
export function labCommand(): Command {
  const lab = new Command('lab').description(
    'a real local Kubernetes cluster in network namespaces, for demos and failover tests',
  );
  const stateOpt = () =>
    new Option('--state-dir <dir>', 'where the lab keeps its state').default(DEFAULT_STATE_DIR);

  lab
    .command('up')
    .description('start a lab: control plane, nodes n1..nN with kube-proxy, a client namespace')
    .addOption(new Option('--nodes <n>', 'number of nodes').default('3'))
    .addOption(stateOpt())
    .option('--bare', 'the cluster only, without BareLB')
    .option(
      '--host-processes',
      'faster, for development: no kubelet; pods and BareLB run as processes the lab starts itself ' +
        '(default: real nodes with a kubelet and containerd, BareLB installed from deploy/)',
    )
    .option(
      '--kubernetes-version <major.minor>',
      'an older supported Kubernetes, such as 1.33, built into its own cache (default: ' +
        'BARELB_K8S_VERSION, else the newest tested; docs/compatibility.md)',
    )
    .action(async (opts: UpOptions) => {
      const nodes = Number(opts.nodes);
      const { Lab } = await labModule();
      // Ctrl-C while starting must not leave half a lab behind.
      const onSignal = () => {
        process.stderr.write('\ninterrupted: removing the partly started lab\n');
        void Lab.down(opts.stateDir).finally(() => process.exit(130));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const started = Date.now();
      const l = await Lab.start({
        nodes,
        stateDir: opts.stateDir,
        bare: opts.bare ?? false,
        realNodes: !(opts.hostProcesses ?? false),
        ...(opts.kubernetesVersion ? { kubernetesVersion: opts.kubernetesVersion } : {}),
        progress: (line) =>
          process.stderr.write(`[lab ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
      });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const barelb = cliInvocation(process.env);
      process.stdout.write(
        [
          `lab ${l.names.prefix} is up with nodes ${l.nodes.join(', ')}`,
          `kubeconfig: ${l.kubeconfig}`,
          '',
          'Use it:',
          `  export KUBECONFIG=${l.kubeconfig}`,
          "  kubectl get nodes            # with your own kubectl, or the lab's:",
          `  ${barelb} lab exec cp -- kubectl get nodes`,
          `  ${barelb} lab exec client -- curl -s http://<service-ip>/`,
          `  ${barelb} lab down`,
          '',
        ].join('\n'),
      );
    });

  lab
    .command('down')
    .description('stop a lab and remove everything it made (also after a crash)')
    .addOption(stateOpt())
    .option('--all', 'remove every lab on this machine, found by namespace prefix')
    .action(async (opts: { stateDir: string; all?: boolean }) => {
      const { Lab, labIndexesPresent, removeLabNamespaces } = await labModule();
      const forced = await Lab.down(opts.stateDir);
      for (const f of forced)
        process.stderr.write(
          `warning: ${f.name} needed SIGKILL (still running ${f.graceMs} ms after SIGTERM)\n`,
        );
      if (opts.all) for (const i of await labIndexesPresent()) await removeLabNamespaces(i);
      process.stdout.write('lab removed\n');
    });

  lab
    .command('status')
    .description("show the lab's processes, nodes and pods")
    .addOption(stateOpt())
    .action(async (opts: { stateDir: string }) => {
      const [{ Lab }, { CoreV1Api, VersionApi }] = await Promise.all([
        labModule(),
        import('@kubernetes/client-node'),
      ]);
      const l = await Lab.attach(opts.stateDir);
      const lines = [
        `lab ${l.names.prefix}  kubeconfig ${l.kubeconfig}`,
        '',
        'COMPONENT                      PID      STATE',
      ];
      for (const c of await l.componentNames()) {
        const pid = await l.componentPid(c);
        lines.push(
          `${c.padEnd(30)} ${String(pid ?? '-').padEnd(8)} ${pid && isAlive(pid) ? 'running' : 'stopped'}`,
        );
      }
      lines.push('', 'NODE  IP');
      for (const n of l.nodes) lines.push(`${n.padEnd(5)} ${l.nodeIp(n)}`);
      try {
        // Labs of several Kubernetes versions can run (docs/compatibility.md): say which one this is.
        const version = await l.kubeConfig().makeApiClient(VersionApi).getCode();
        lines.splice(1, 0, `kubernetes ${version.gitVersion}`);
        const core = l.kubeConfig().makeApiClient(CoreV1Api);
        const svcs = await core.listServiceForAllNamespaces();
        const lbs = svcs.items.filter((s) => s.spec?.type === 'LoadBalancer');
        if (lbs.length > 0) lines.push('', 'LOADBALANCER SERVICE          IP');
        for (const s of lbs) {
          const ip = s.status?.loadBalancer?.ingress?.map((i) => i.ip).join(',') || '<pending>';
          lines.push(`${`${s.metadata?.namespace}/${s.metadata?.name}`.padEnd(29)} ${ip}`);
        }
      } catch (err) {
        lines.push('', `apiserver unreachable: ${(err as Error).message}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  lab
    .command('exec')
    .description('run a command in a lab namespace: cp, client, a node (n1..) or a pod')
    .argument('<target>')
    .argument('<command...>')
    .addOption(stateOpt())
    .action(async (target: string, argv: string[], opts: { stateDir: string }) => {
      const { Lab } = await labModule();
      const l = await Lab.attach(opts.stateDir);
      const child = spawn('ip', ['netns', 'exec', l.namespaceOf(target), ...argv], {
        stdio: 'inherit',
        env: l.execEnv(),
      });
      child.on('close', (code) => process.exit(code ?? 1));
    });

  lab
    .command('kill')
    .description('hard failure of a node: links down, every process in it killed')
    .argument('<node>')
    .addOption(stateOpt())
    .action(async (node: string, opts: { stateDir: string }) => {
      const { Lab } = await labModule();
      const l = await Lab.attach(opts.stateDir);
      await l.kill(node);
      process.stdout.write(`node ${node} killed: links down, processes gone\n`);
    });

  lab
    .command('restart')
    .description(
      'gracefully restart one component (see `lab status`), e.g. kube-proxy-n1, speaker-n2, controller',
    )
    .argument('<component>')
    .addOption(stateOpt())
    .action(async (component: string, opts: { stateDir: string }) => {
      const { Lab } = await labModule();
      const l = await Lab.attach(opts.stateDir);
      await l.restart(component);
      process.stdout.write(`${component} restarted\n`);
    });

  return lab;
}
