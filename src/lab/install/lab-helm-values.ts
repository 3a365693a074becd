import { stringify } from 'yaml';
import { splitImageReference } from './lab-overlay.js';

/**
 * The values the lab installs the chart with, changing only what a user changes: the image (the local
 * build, already on every node, so never pulled) and a pool with its L2Advertisement, given as values.
 * Everything else is the chart's defaults, which render what deploy/ applies.
 */
export function labHelmValues(o: { readonly image: string; readonly poolRange: string }): string {
  const { newName, newTag } = splitImageReference(o.image);
  return stringify({
    image: { repository: newName, tag: newTag ?? 'latest', pullPolicy: 'Never' },
    pools: [{ name: 'lab', addresses: [o.poolRange] }],
    l2Advertisements: [{ name: 'lab', ipAddressPools: ['lab'] }],
  });
}
