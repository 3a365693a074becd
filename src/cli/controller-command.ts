import { Command, Option } from 'commander';
import { runController } from '../controller/main.js';
import { DEFAULT_LB_CLASS } from '../controller/service-class.js';
import { rootLogger } from './logger.js';

export function controllerCommand(): Command {
  return new Command('controller')
    .description('allocate IPs to LoadBalancer Services (run 2 replicas; one leads by Lease)')
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, then $KUBECONFIG)')
    .addOption(
      new Option('--lb-class <class>', 'loadBalancerClass handled besides none').default(DEFAULT_LB_CLASS),
    )
    .addOption(
      new Option('--namespace <ns>', 'namespace of pools, advertisements and the leader Lease')
        .default('barelb-system')
        .env('BARELB_NAMESPACE'),
    )
    .addOption(new Option('--metrics-addr <addr>', 'serve /metrics, /healthz, /readyz here').default(':7472'))
    .addOption(
      new Option('--identity <id>', 'leader election identity (default: hostname-pid)').env('POD_NAME'),
    )
    .addOption(new Option('--lease-name <name>', 'leader election Lease').default('barelb-controller'))
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
      }) => {
        const log = rootLogger(o.logLevel);
        await runController(
          {
            kubeconfig: o.kubeconfig,
            lbClass: o.lbClass,
            namespace: o.namespace,
            metricsAddr: o.metricsAddr,
            identity: o.identity ?? '',
            leaseName: o.leaseName,
          },
          log,
        );
      },
    );
}
