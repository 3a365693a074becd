import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Command, Option } from 'commander';
import { DEFAULT_LB_CLASS } from '../controller/service-class.js';
import { loadKubeConfig } from '../k8s/keep-alive-kube-config.js';
import { renderStatus, statusReport } from '../status/status-report.js';

/** `barelb status [--watch]`: pools with usage, and every LoadBalancer Service with its IP, pool and announcer. */
export function statusCommand(): Command {
  return new Command('status')
    .description(
      'pools with used/total addresses; LoadBalancer Services with IP, pool, announcing node, or why pending',
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .addOption(new Option('--namespace <ns>', 'BareLB namespace').default('barelb-system'))
    .addOption(new Option('--lb-class <class>', 'loadBalancerClass BareLB handles').default(DEFAULT_LB_CLASS))
    .option('-w, --watch', 'refresh every 2 s until interrupted')
    .action(async (o: { kubeconfig?: string; namespace: string; lbClass: string; watch?: boolean }) => {
      const kc = loadKubeConfig(o.kubeconfig);
      const core = kc.makeApiClient(CoreV1Api);
      const custom = kc.makeApiClient(CustomObjectsApi);
      const crd = async (plural: string) =>
        (
          (await custom.listNamespacedCustomObject({
            group: 'barelb.io',
            version: 'v1alpha1',
            namespace: o.namespace,
            plural,
          })) as { items: unknown[] }
        ).items;
      const once = async () => {
        const [pools, services, l2, events] = await Promise.all([
          crd('ipaddresspools'),
          core.listServiceForAllNamespaces(),
          crd('servicel2statuses'),
          core.listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Service' }),
        ]);
        return renderStatus(statusReport(pools, services.items, l2, events.items, o.lbClass));
      };
      if (!o.watch) {
        process.stdout.write(await once());
        return;
      }
      for (;;) {
        const text = await once().catch(
          (err: unknown) => `cannot read the cluster: ${(err as Error).message}\n`,
        );
        process.stdout.write(`\x1b[2J\x1b[H${new Date().toISOString()}\n\n${text}`);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    });
}
