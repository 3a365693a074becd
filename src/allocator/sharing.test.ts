import { describe, expect, it } from 'vitest';
import type { ShareTerms } from './intent.js';
import type { IpUse } from './ip-uses.js';
import { sharingClash } from './sharing.js';

const terms = (t: Partial<ShareTerms>): ShareTerms => ({
  sharingKey: 'k',
  backend: 'cluster',
  ports: ['TCP/80'],
  ...t,
});
const useBy = (...holders: [string, ShareTerms][]): IpUse => ({
  address: { family: 'IPv4', value: 1n },
  pool: 'p',
  sharingKey: holders[0]?.[1].sharingKey,
  users: new Map(holders.map(([key, share]) => [key, { key, share, ips: [], pool: 'p' }])),
});

describe('sharingClash', () => {
  it.each([
    { name: 'same key, other ports', mine: {}, theirs: { ports: ['TCP/443'] }, want: undefined },
    {
      name: 'same port, other protocol',
      mine: { ports: ['UDP/53'] },
      theirs: { ports: ['TCP/53'] },
      want: undefined,
    },
    {
      name: 'port used twice',
      mine: { ports: ['TCP/443', 'TCP/80'] },
      theirs: { ports: ['TCP/80'] },
      want: 'PortClash',
    },
    {
      name: 'they do not share',
      mine: {},
      theirs: { sharingKey: undefined, ports: ['TCP/443'] },
      want: 'IPInUse',
    },
    {
      name: 'I do not share',
      mine: { sharingKey: undefined },
      theirs: { ports: ['TCP/443'] },
      want: 'IPInUse',
    },
    { name: 'other key', mine: { sharingKey: 'x' }, theirs: { ports: ['TCP/443'] }, want: 'IPInUse' },
    {
      name: 'both Local, same pods',
      mine: { backend: 'local:app=a' },
      theirs: { backend: 'local:app=a', ports: ['TCP/443'] },
      want: undefined,
    },
    {
      name: 'both Local, other pods',
      mine: { backend: 'local:app=a' },
      theirs: { backend: 'local:app=b', ports: ['TCP/443'] },
      want: 'IPInUse',
    },
    {
      name: 'Local next to Cluster',
      mine: { backend: 'local:app=a' },
      theirs: { ports: ['TCP/443'] },
      want: 'IPInUse',
    },
    {
      name: 'Local with no selector next to Cluster',
      mine: { backend: 'local:' },
      theirs: { ports: ['TCP/443'] },
      want: 'IPInUse',
    },
  ] as { name: string; mine: Partial<ShareTerms>; theirs: Partial<ShareTerms>; want?: string }[])(
    '$name',
    ({ mine, theirs, want }) => {
      expect(sharingClash(useBy(['ns/other', terms(theirs)]), 'ns/me', terms(mine))?.reason).toBe(want);
    },
  );

  it('checks every user, and ignores the Service itself', () => {
    const use = useBy(['ns/me', terms({ ports: ['TCP/80'] })], ['ns/b', terms({ ports: ['TCP/443'] })]);
    expect(sharingClash(use, 'ns/me', terms({ ports: ['TCP/80'] }))).toBeUndefined();
    expect(sharingClash(use, 'ns/me', terms({ ports: ['TCP/443'] }))?.why).toMatch(/ns\/b\b.*TCP\/443/);
  });
});
