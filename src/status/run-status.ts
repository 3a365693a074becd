import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  BGP_ADVERTISEMENT,
  BGP_SESSION_STATUS,
  GROUP,
  IP_ADDRESS_POOL,
  SERVICE_L2_STATUS,
  VERSION,
} from '../config/crd-types.js';
import { loadKubeConfig } from '../k8s/keep-alive-kube-config.js';
import { SPEAKER_LEASE_LABEL } from '../speaker/node-lease.js';
import { renderStatus, statusReport } from './status-report.js';

export interface StatusOptions {
  readonly kubeconfig?: string | undefined;
  readonly namespace: string;
  readonly lbClass: string;
  readonly watch?: boolean | undefined;
}

/** Prints the status report once, or every 2 s until interrupted with `watch`. */
export async function runStatus(o: StatusOptions): Promise<void> {
  const kc = loadKubeConfig(o.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const crd = async (plural: string) =>
    (
      (await custom.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: o.namespace,
        plural,
      })) as { items: unknown[] }
    ).items;
  // BGP mode's CRDs may not be installed (an older install): then there is nothing of it to show.
  const optionalCrd = (plural: string) => crd(plural).catch((): unknown[] => []);
  const coordination = kc.makeApiClient(CoordinationV1Api);
  const once = async () => {
    const [pools, services, l2, events, leases, bgpAdvertisements, bgpSessions] = await Promise.all([
      crd(IP_ADDRESS_POOL.plural),
      core.listServiceForAllNamespaces(),
      crd(SERVICE_L2_STATUS.plural),
      core.listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Service' }),
      coordination.listNamespacedLease({
        namespace: o.namespace,
        labelSelector: `${SPEAKER_LEASE_LABEL}=true`,
      }),
      optionalCrd(BGP_ADVERTISEMENT.plural),
      optionalCrd(BGP_SESSION_STATUS.plural),
    ]);
    return renderStatus(
      statusReport({
        pools,
        services: services.items,
        l2,
        events: events.items,
        leases: leases.items,
        bgpAdvertisements,
        bgpSessions,
        lbClass: o.lbClass,
        namespace: o.namespace,
        now: Date.now(),
      }),
    );
  };
  if (!o.watch) {
    process.stdout.write(await once());
    return;
  }
  for (;;) {
    const text = await once().catch((err: unknown) => `cannot read the cluster: ${(err as Error).message}\n`);
    process.stdout.write(`\x1b[2J\x1b[H${new Date().toISOString()}\n\n${text}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
