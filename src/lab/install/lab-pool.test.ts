import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildConfig } from '../../config/build-config.js';
import { formatConfigError } from '../../config/config-error.js';
import { labAddresses } from '../cluster/addressing.js';
import { labPoolManifest } from './lab-pool.js';

describe('labPoolManifest', () => {
  it.each([
    [0, 'lab'],
    [3, 'lab'],
    [15, 'other'],
  ])('lab %i, pool %s: one pool and its advertisement that BareLB accepts', (index, name) => {
    const range = labAddresses(index, 3).lbPoolV4;
    const docs = parseAllDocuments(labPoolManifest(range, name)).map((d) => d.toJS() as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(['IPAddressPool', 'L2Advertisement']);
    const config = buildConfig(
      docs.filter((d) => d.kind === 'IPAddressPool'),
      docs.filter((d) => d.kind === 'L2Advertisement'),
    );
    expect(config.errors.map(formatConfigError)).toEqual([]);
    expect([...config.pools.keys()]).toEqual([name]);
  });
});
