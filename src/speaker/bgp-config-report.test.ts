import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../config/index.js';
import { configErrorEvents } from './bgp-config-report.js';

const alias: ConfigError = {
  kind: 'BGPAdvertisement',
  name: 'tagged',
  path: 'spec.communities[0]',
  reason: 'UnknownReference',
  message:
    '"EDGE" is neither a community value (65535:65282, large:1:2:3) nor an alias in a Community object',
};
const pool: ConfigError = {
  kind: 'BGPAdvertisement',
  name: 'tagged',
  path: 'spec.ipAddressPools[0]',
  reason: 'UnknownPool',
  message: 'no IPAddressPool "gone"',
};
const bfd: ConfigError = {
  kind: 'BGPPeer',
  name: 'router',
  path: 'spec.bfdProfile',
  reason: 'UnknownReference',
  message: 'no valid BFDProfile "fast"; the session waits for it',
};

describe('configErrorEvents', () => {
  it.each([
    {
      name: 'a new error: Warning InvalidBGPConfiguration on the object, naming the node',
      seen: [] as ConfigError[],
      errors: [alias],
      want: [
        {
          kind: 'BGPAdvertisement',
          name: 'tagged',
          reason: 'InvalidBGPConfiguration',
          message: `bgpadvertisement "tagged": spec.communities[0]: ${alias.message} (seen by the speaker on node n1)`,
        },
      ],
    },
    {
      name: 'a warning (unknown pool): BGPConfigurationWarning',
      seen: [],
      errors: [pool],
      want: [{ kind: 'BGPAdvertisement', name: 'tagged', reason: 'BGPConfigurationWarning' }],
    },
    { name: 'already told: nothing again', seen: [alias], errors: [alias], want: [] },
    {
      name: 'one told, one new: only the new one',
      seen: [alias],
      errors: [alias, pool],
      want: [{ reason: 'BGPConfigurationWarning' }],
    },
    {
      name: 'a peer waiting for its BFDProfile: its session status tells it',
      seen: [],
      errors: [bfd],
      want: [],
    },
  ])('$name', ({ seen, errors, want }) => {
    const before = configErrorEvents(new Set(), seen, 'n1').seen;
    const r = configErrorEvents(before, errors, 'n1');
    expect(r.events).toMatchObject(want);
    expect(r.events).toHaveLength(want.length);
  });

  it('an error that went away and came back is told again', () => {
    const first = configErrorEvents(new Set(), [alias], 'n1');
    const gone = configErrorEvents(first.seen, [], 'n1');
    expect(configErrorEvents(gone.seen, [alias], 'n1').events).toHaveLength(1);
  });
});
