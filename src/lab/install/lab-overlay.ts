import { stringify } from 'yaml';

/** The image deploy/ names, which a user's overlay replaces with their own build or mirror. */
export const DEPLOY_IMAGE = 'ghcr.io/barelb/barelb';

/** `name[:tag]` split as kustomize's `images` entry wants it (a registry port is not a tag). */
export function splitImageReference(ref: string): { newName: string; newTag?: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (ref.includes('@')) throw new RangeError(`digest references are not supported here: ${ref}`);
  if (colon > slash) return { newName: ref.slice(0, colon), newTag: ref.slice(colon + 1) };
  return { newName: ref };
}

export interface LabOverlayOptions {
  /** deploy/, relative to the overlay's directory (kustomize wants bases as relative paths). */
  readonly base: string;
  /** The locally built BareLB image, e.g. `localhost/barelb:dev`. */
  readonly image: string;
  /** The file, beside the kustomization, holding the lab's pool and L2Advertisement. */
  readonly poolFile: string;
}

/**
 * The lab's overlay on deploy/, changing only what a user changes: the image (their build instead of
 * the release) and their pool with its L2Advertisement. Everything else is deploy/ as it ships.
 */
export function labOverlayKustomization(o: LabOverlayOptions): string {
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [o.base, o.poolFile],
    images: [{ name: DEPLOY_IMAGE, ...splitImageReference(o.image) }],
  });
}
