import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { labOverlayKustomization, splitImageReference } from './lab-overlay.js';

describe('splitImageReference', () => {
  it.each([
    ['localhost/barelb:dev', { newName: 'localhost/barelb', newTag: 'dev' }],
    ['ghcr.io/barelb/barelb', { newName: 'ghcr.io/barelb/barelb' }],
    ['registry:5000/barelb', { newName: 'registry:5000/barelb' }],
    ['registry:5000/barelb:1.2', { newName: 'registry:5000/barelb', newTag: '1.2' }],
  ])('%s', (ref, want) => {
    expect(splitImageReference(ref)).toEqual(want);
  });

  it('refuses a digest', () => {
    expect(() => splitImageReference('x/y@sha256:00')).toThrow(RangeError);
  });
});

describe('labOverlayKustomization', () => {
  it('uses deploy/ as its base and changes only the image and the pool', () => {
    const k = parse(
      labOverlayKustomization({
        base: '../../deploy',
        image: 'localhost/barelb:dev',
        poolFile: 'lab-pool.yaml',
      }),
    ) as Record<string, unknown>;
    expect(k).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../../deploy', 'lab-pool.yaml'],
      images: [{ name: 'ghcr.io/barelb/barelb', newName: 'localhost/barelb', newTag: 'dev' }],
    });
  });
});
