import { Command, Option } from 'commander';
import { DEFAULT_NAMESPACE } from '../config/crd-types.js';
import { DEFAULT_LB_CLASS } from '../controller/service-class.js';
import { rootLogger } from './logger.js';

/**
 * A reconcile is a synchronous decision plus one status write, so workers are writes in flight.
 * On the lab's 2-core apiserver, 1,000 queued Services drained in 3.6-3.8 s with 16 and 2.8-3.7 s
 * with 32; 64 and 128 were within the noise. (Several rounds of bench:controller's backlog step in
 * one lab each, by a throwaway harness; bench:controller itself drained in 2.7-3.3 s with 32.)
 */
const DEFAULT_WORKERS = '32';

export function controllerCommand(): Command {
  return new Command('controller')
    .description('allocate IPs to LoadBalancer Services (run 2 replicas; one leads by Lease)')
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, then $KUBECONFIG)')
    .addOption(
      new Option('--lb-class <class>', 'loadBalancerClass handled besides none').default(DEFAULT_LB_CLASS),
    )
    .addOption(
      new Option('--namespace <ns>', 'namespace of pools, advertisements and the leader Lease')
        .default(DEFAULT_NAMESPACE)
        .env('BARELB_NAMESPACE'),
    )
    .addOption(new Option('--metrics-addr <addr>', 'serve /metrics, /healthz, /readyz here').default(':7472'))
    .addOption(
      new Option('--identity <id>', 'leader election identity (default: hostname-pid)').env('POD_NAME'),
    )
    .addOption(new Option('--lease-name <name>', 'leader election Lease').default('barelb-controller'))
    .addOption(new Option('--workers <n>', 'concurrent reconciles').default(DEFAULT_WORKERS))
    .addOption(new Option('--log-level <level>', 'pino log level').default('info').env('BARELB_LOG_LEVEL'))
    .action(
      async (o: {
        kubeconfig?: string;
        lbClass: string;
        namespace: string;
        metricsAddr: string;
        identity?: string;
        leaseName: string;
        logLevel: string;
        workers: string;
      }) => {
        const log = rootLogger(o.logLevel);
        // Loaded on use: `barelb controller` must not load the speaker's native frame socket, and back.
        const { runController } = await import('../controller/main.js');
        await runController(
          {
            kubeconfig: o.kubeconfig,
            lbClass: o.lbClass,
            namespace: o.namespace,
            metricsAddr: o.metricsAddr,
            identity: o.identity ?? '',
            leaseName: o.leaseName,
            workers: Math.max(1, Number(o.workers) || 1),
          },
          log,
        );
      },
    );
}
