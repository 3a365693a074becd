import { describe, expect, it } from 'vitest';
import { formatAddress } from '../net/address.js';
import { readAnnotation } from './annotations.js';
import { interpret } from './intent.js';
import { type SvcSpec, svc } from './test-support.js';

describe('readAnnotation', () => {
  it.each([
    { name: 'ours alone', ann: { 'barelb.io/address-pool': 'a' }, want: 'a', warns: 0 },
    { name: 'metallb.io alone', ann: { 'metallb.io/address-pool': 'b' }, want: 'b', warns: 0 },
    { name: 'legacy alone', ann: { 'metallb.universe.tf/address-pool': 'c' }, want: 'c', warns: 0 },
    {
      name: 'ours wins, disagreement warned',
      ann: { 'barelb.io/address-pool': 'a', 'metallb.io/address-pool': 'b' },
      want: 'a',
      warns: 1,
    },
    {
      name: 'metallb.io wins over legacy',
      ann: { 'metallb.universe.tf/address-pool': 'c', 'metallb.io/address-pool': 'b' },
      want: 'b',
      warns: 1,
    },
    {
      name: 'agreement is silent',
      ann: { 'barelb.io/address-pool': 'a', 'metallb.io/address-pool': 'a' },
      want: 'a',
      warns: 0,
    },
    {
      name: 'empty counts as unset',
      ann: { 'barelb.io/address-pool': ' ', 'metallb.io/address-pool': 'b' },
      want: 'b',
      warns: 0,
    },
    { name: 'none', ann: { 'example.com/address-pool': 'x' }, want: undefined, warns: 0 },
  ])('$name', ({ ann, want, warns }) => {
    const warnings: string[] = [];
    expect(readAnnotation(ann, 'address-pool', warnings)?.value).toBe(want);
    expect(warnings).toHaveLength(warns);
  });
});

describe('interpret', () => {
  const cases: {
    name: string;
    svc: Omit<SvcSpec, 'name'>;
    families?: string[];
    requireAll?: boolean;
    requested?: string[];
    refused?: string;
    warning?: RegExp;
  }[] = [
    { name: 'default: SingleStack IPv4', svc: { families: [] }, families: ['IPv4'], requireAll: true },
    { name: 'SingleStack from ipFamilies[0]', svc: { families: ['IPv6'] }, families: ['IPv6'] },
    {
      name: 'no ipFamilies: family of the requested address',
      svc: { families: [], lbIp: '2001:db8::5' },
      families: ['IPv6'],
      requested: ['2001:db8::5'],
    },
    {
      name: 'PreferDualStack follows ipFamilies order',
      svc: { policy: 'PreferDualStack', families: ['IPv6', 'IPv4'] },
      families: ['IPv6', 'IPv4'],
      requireAll: false,
    },
    {
      name: 'PreferDualStack on a single-stack cluster keeps its one family',
      svc: { policy: 'PreferDualStack', families: ['IPv4'] },
      families: ['IPv4'],
      requireAll: false,
    },
    {
      name: 'RequireDualStack needs both',
      svc: { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'] },
      families: ['IPv4', 'IPv6'],
      requireAll: true,
    },
    {
      name: 'RequireDualStack with one listed family still needs both',
      svc: { policy: 'RequireDualStack', families: ['IPv6'] },
      families: ['IPv6', 'IPv4'],
      requireAll: true,
    },
    {
      name: 'annotation addresses, sorted into ipFamilies order',
      svc: {
        policy: 'RequireDualStack',
        families: ['IPv6', 'IPv4'],
        ann: { 'barelb.io/loadBalancerIPs': '198.18.0.1, 2001:db8::1' },
      },
      families: ['IPv6', 'IPv4'],
      requested: ['2001:db8::1', '198.18.0.1'],
    },
    {
      name: 'PreferDualStack asking for one address gets that family only',
      svc: {
        policy: 'PreferDualStack',
        families: ['IPv4', 'IPv6'],
        ann: { 'metallb.io/loadBalancerIPs': '2001:db8::1' },
      },
      families: ['IPv6'],
      requireAll: true,
      requested: ['2001:db8::1'],
    },
    {
      name: 'not an address',
      svc: { ann: { 'barelb.io/loadBalancerIPs': '198.18.0.1,nope' } },
      refused: 'BadAddress',
    },
    { name: 'CIDR is not an address', svc: { lbIp: '198.18.0.0/24' }, refused: 'BadAddress' },
    {
      name: 'two of one family',
      svc: { ann: { 'barelb.io/loadBalancerIPs': '198.18.0.1,198.18.0.2' } },
      refused: 'TooManyIPs',
    },
    {
      name: 'SingleStack IPv4 asking for IPv6',
      svc: { families: ['IPv4'], ann: { 'barelb.io/loadBalancerIPs': '2001:db8::1' } },
      refused: 'FamilyMismatch',
    },
    {
      name: 'SingleStack asking for both families',
      svc: { families: ['IPv4'], ann: { 'barelb.io/loadBalancerIPs': '198.18.0.1,2001:db8::1' } },
      refused: 'FamilyMismatch',
    },
    {
      name: 'RequireDualStack asking for one',
      svc: { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'], lbIp: '198.18.0.1' },
      refused: 'FamilyMismatch',
    },
    {
      name: 'spec.loadBalancerIP and the annotation disagree: annotation wins, warned',
      svc: { lbIp: '198.18.0.1', ann: { 'barelb.io/loadBalancerIPs': '198.18.0.2' } },
      requested: ['198.18.0.2'],
      warning: /spec\.loadBalancerIP \(198\.18\.0\.1\) is deprecated and ignored/,
    },
    {
      name: 'spec.loadBalancerIP repeating the annotation: warned as deprecated',
      svc: { lbIp: '198.18.0.2', ann: { 'metallb.universe.tf/loadBalancerIPs': '198.18.0.2' } },
      requested: ['198.18.0.2'],
      warning: /deprecated and repeats metallb\.universe\.tf\/loadBalancerIPs/,
    },
    {
      name: 'disagreeing annotations: ours wins, warned',
      svc: {
        ann: { 'barelb.io/loadBalancerIPs': '198.18.0.2', 'metallb.io/loadBalancerIPs': '198.18.0.3' },
      },
      requested: ['198.18.0.2'],
      warning: /metallb\.io\/loadBalancerIPs="198\.18\.0\.3" disagrees with barelb\.io/,
    },
    {
      name: 'a refusal keeps its warnings',
      svc: { lbIp: '198.18.0.1', ann: { 'barelb.io/loadBalancerIPs': 'bad' } },
      refused: 'BadAddress',
      warning: /deprecated and ignored/,
    },
  ];
  it.each(cases)('$name', (c) => {
    const r = interpret(svc({ name: 's', ...c.svc }));
    if (c.warning) expect(r.warnings.join('\n')).toMatch(c.warning);
    else expect(r.warnings).toEqual([]);
    if (c.refused) {
      expect(r.ok ? 'ok' : r.problem.reason).toBe(c.refused);
      return;
    }
    if (!r.ok) throw new Error(r.problem.message);
    if (c.families) expect(r.intent.families).toEqual(c.families);
    if (c.requireAll !== undefined) expect(r.intent.requireAll).toBe(c.requireAll);
    expect(r.intent.requested.map(formatAddress)).toEqual(c.requested ?? []);
  });

  it.each([
    { name: 'Cluster', svc: {}, backend: 'cluster' },
    {
      name: 'Local with its selector, canonical',
      svc: { local: true, selector: { b: '2', a: '1' } },
      backend: 'local:a=1,b=2',
    },
  ])('share terms: $name', ({ svc: s, backend }) => {
    const r = interpret(
      svc({
        name: 's',
        ports: [443, ['UDP', 53], 80, 443],
        ann: { 'metallb.io/allow-shared-ip': 'k' },
        ...s,
      }),
    );
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.intent.share).toEqual({ sharingKey: 'k', backend, ports: ['TCP/443', 'TCP/80', 'UDP/53'] });
  });

  it('refuses a request without a key', () => {
    const r = interpret({ ...svc({ name: 's' }), key: '' });
    expect(r.ok ? 'ok' : r.problem.reason).toBe('InvalidRequest');
  });
});
