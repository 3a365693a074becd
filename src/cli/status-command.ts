import { Command, Option } from 'commander';
import { DEFAULT_NAMESPACE } from '../config/crd-types.js';
import { DEFAULT_LB_CLASS } from '../controller/service-class.js';

/** `barelb status [--watch]`: pools with usage, and every LoadBalancer Service with its IP, pool and announcer. */
export function statusCommand(): Command {
  return new Command('status')
    .description(
      'pools with used/total addresses; LoadBalancer Services with IP, pool, announcing node, or why pending',
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .addOption(new Option('--namespace <ns>', 'BareLB namespace').default(DEFAULT_NAMESPACE))
    .addOption(new Option('--lb-class <class>', 'loadBalancerClass BareLB handles').default(DEFAULT_LB_CLASS))
    .option('-w, --watch', 'refresh every 2 s until interrupted')
    .action(async (o: { kubeconfig?: string; namespace: string; lbClass: string; watch?: boolean }) => {
      // Loaded on use, like every command's implementation: the controller and speaker start
      // from this same entry point and should not load what they never run.
      const { runStatus } = await import('../status/run-status.js');
      await runStatus(o);
    });
}
