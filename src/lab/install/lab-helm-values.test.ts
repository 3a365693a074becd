import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { labHelmValues } from './lab-helm-values.js';

describe('labHelmValues', () => {
  it('sets the local image, never pulled, and the lab pool with its advertisement', () => {
    expect(
      parse(labHelmValues({ image: 'localhost/barelb:dev', poolRange: '198.18.1.10-198.18.1.250' })),
    ).toEqual({
      image: { repository: 'localhost/barelb', tag: 'dev', pullPolicy: 'Never' },
      pools: [{ name: 'lab', addresses: ['198.18.1.10-198.18.1.250'] }],
      l2Advertisements: [{ name: 'lab', ipAddressPools: ['lab'] }],
    });
  });

  it('keeps a registry port in the repository', () => {
    const v = parse(labHelmValues({ image: 'registry:5000/barelb', poolRange: 'x' })) as {
      image: Record<string, string>;
    };
    expect(v.image).toMatchObject({ repository: 'registry:5000/barelb', tag: 'latest' });
  });
});
