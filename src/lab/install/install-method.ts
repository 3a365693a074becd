/** How the lab puts BareLB on real nodes: deploy/ through kustomize (the default), or the Helm chart. */
export type InstallMethod = 'kustomize' | 'helm';

/** `BARELB_LAB_INSTALL=helm` installs with the chart (`npm run test:helm`); anything else is refused. */
export function installMethodFrom(env: Readonly<Record<string, string | undefined>>): InstallMethod {
  const v = env.BARELB_LAB_INSTALL;
  if (v === undefined || v === '' || v === 'kustomize') return 'kustomize';
  if (v === 'helm') return 'helm';
  throw new RangeError(`BARELB_LAB_INSTALL=${v}: expected kustomize or helm`);
}
