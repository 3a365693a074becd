import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '../../config/crd-types.js';
import { REPO_ROOT } from '../cluster/binaries.js';
import type { InstallTarget } from './installer.js';

/** The CRDs, applied server-side, and the namespace BareLB lives in. */
export async function installCrds(target: InstallTarget): Promise<void> {
  await target.applyKustomization(join(REPO_ROOT, 'config', 'crd'), { serverSide: true });
  await target.kubectl(
    [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/ipaddresspools.barelb.io',
      'crd/l2advertisements.barelb.io',
      'crd/servicel2statuses.barelb.io',
    ],
    { timeoutMs: 70_000 },
  );
  const ns = await target.kubectl(['get', 'namespace', DEFAULT_NAMESPACE], { check: false });
  if (ns.code !== 0) await target.kubectl(['create', 'namespace', DEFAULT_NAMESPACE]);
}
