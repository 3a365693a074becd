import { Command, Option } from 'commander';
import { DEFAULT_NAMESPACE } from '../config/crd-types.js';
import { DEFAULT_LB_CLASS } from '../controller/service-class.js';
import { DEFAULT_ISOLATION_MS, DEFAULT_LEASE_RENEW_MS } from '../speaker/speaker-timing.js';
import { rootLogger } from './logger.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
};

export function speakerCommand(): Command {
  return new Command('speaker')
    .description(
      'answer ARP/NDP for the LoadBalancer IPs this node owns (run one per node, hostNetwork, NET_RAW)',
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, then $KUBECONFIG)')
    .addOption(new Option('--node <name>', 'this node').env('NODE_NAME'))
    .addOption(
      new Option('--namespace <ns>', 'BareLB namespace').default(DEFAULT_NAMESPACE).env('BARELB_NAMESPACE'),
    )
    .addOption(
      new Option('--lb-class <class>', 'loadBalancerClass handled besides none').default(DEFAULT_LB_CLASS),
    )
    .addOption(new Option('--metrics-addr <addr>', 'serve /metrics, /healthz, /readyz').default(':7473'))
    .addOption(new Option('--heartbeat-key <key>', 'shared heartbeat HMAC key').env('BARELB_HEARTBEAT_KEY'))
    .option('--heartbeat-key-file <file>', 'file holding the heartbeat key')
    .addOption(
      new Option('--heartbeat-port <port>', 'UDP port for peer heartbeats').default(7946).argParser(int),
    )
    .addOption(new Option('--heartbeat-interval-ms <ms>', 'heartbeat period').default(100).argParser(int))
    .addOption(
      new Option('--dead-after-ms <ms>', 'a peer unheard this long is dead').default(400).argParser(int),
    )
    .addOption(
      new Option('--isolation-ms <ms>', 'stop announcing after this long with no peer and no API server')
        .default(DEFAULT_ISOLATION_MS)
        .argParser(int),
    )
    .addOption(
      new Option('--handover-ms <ms>', 'on SIGTERM, keep answering this long after announcing departure')
        .default(1000)
        .argParser(int),
    )
    .addOption(
      new Option('--lease-renew-ms <ms>', 'node Lease renew period')
        .default(DEFAULT_LEASE_RENEW_MS)
        .argParser(int),
    )
    .addOption(
      new Option('--kube-proxy-health-url <url>', 'kube-proxy health endpoint').default(
        'http://127.0.0.1:10256/healthz',
      ),
    )
    .option('--no-kube-proxy-check', 'do not require kube-proxy health (clusters without kube-proxy)')
    .option(
      '--no-health-check-node-port',
      'for Local Services use EndpointSlices instead of probing healthCheckNodePort',
    )
    .option('--probe-node-ports', 'also require a TCP connect to each Service nodePort on this node')
    .addOption(new Option('--probe-interval-ms <ms>', 'health probe period').default(500).argParser(int))
    .addOption(new Option('--probe-timeout-ms <ms>', 'health probe timeout').default(400).argParser(int))
    .addOption(
      new Option(
        '--exclude-interfaces <list>',
        'extra interface name patterns to never announce on (comma separated, * wildcards)',
      ).default(''),
    )
    .addOption(new Option('--log-level <level>', 'pino log level').default('info').env('BARELB_LOG_LEVEL'))
    .action(async (o: Record<string, unknown>) => {
      const log = rootLogger(String(o.logLevel));
      // Loaded on use: `barelb controller` must not load the speaker's native frame socket, and back.
      const { runSpeaker } = await import('../speaker/main.js');
      await runSpeaker(
        {
          kubeconfig: o.kubeconfig as string | undefined,
          node: String(o.node ?? ''),
          namespace: String(o.namespace),
          lbClass: String(o.lbClass),
          metricsAddr: String(o.metricsAddr),
          heartbeatKey: o.heartbeatKey as string | undefined,
          heartbeatKeyFile: o.heartbeatKeyFile as string | undefined,
          heartbeatPort: o.heartbeatPort as number,
          heartbeatIntervalMs: o.heartbeatIntervalMs as number,
          deadAfterMs: o.deadAfterMs as number,
          isolationMs: o.isolationMs as number,
          handoverMs: o.handoverMs as number,
          leaseRenewMs: o.leaseRenewMs as number,
          kubeProxyHealthUrl: String(o.kubeProxyHealthUrl),
          checks: {
            kubeProxy: o.kubeProxyCheck !== false,
            healthCheckNodePort: o.healthCheckNodePort !== false,
            nodePort: o.probeNodePorts === true,
          },
          probeIntervalMs: o.probeIntervalMs as number,
          probeTimeoutMs: o.probeTimeoutMs as number,
          excludeInterfaces: String(o.excludeInterfaces)
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        },
        log,
      );
    });
}
