import { DEFAULT_NAMESPACE } from '../../config/crd-types.js';

/**
 * The lab's sample pool and its L2Advertisement: addresses on the lab's segment (`range`, from
 * LabAddresses.lbPoolV4), so the client reaches them by ARP.
 */
export function labPoolManifest(range: string, name = 'lab'): string {
  return `apiVersion: barelb.io/v1alpha1
kind: IPAddressPool
metadata:
  name: ${name}
  namespace: ${DEFAULT_NAMESPACE}
spec:
  addresses:
    - ${range}
---
apiVersion: barelb.io/v1alpha1
kind: L2Advertisement
metadata:
  name: ${name}
  namespace: ${DEFAULT_NAMESPACE}
spec:
  ipAddressPools: [${name}]
`;
}
