import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../net/address.js';
import { parseRange, rangeContains } from '../../net/range.js';
import { firstServiceIp, freePodSlot, labAddresses, MAX_LABS, MAX_NODES, podIp } from './addressing.js';

const BENCHMARKING = (() => {
  const r = parseRange('198.18.0.0/15');
  if (!r.ok) throw new Error('198.18.0.0/15');
  return r.range;
})();
const inLab = (ip: string) => {
  const a = parseAddress(ip);
  return a !== undefined && rangeContains(BENCHMARKING, a);
};

describe('labAddresses', () => {
  it.each([
    [
      0,
      3,
      '198.18.0.1',
      ['198.18.0.11', '198.18.0.12', '198.18.0.13'],
      '198.19.1.0/24',
      '2002:c612:0004::/112',
    ],
    [1, 2, '198.18.16.1', ['198.18.16.11', '198.18.16.12'], '198.19.17.0/24', '2002:c612:1004::/112'],
    [15, 1, '198.18.240.1', ['198.18.240.11'], '198.19.241.0/24', '2002:c612:f004::/112'],
  ])(
    'lab %i with %i nodes: cp %s, nodes %j, first pod net %s, v6 services %s',
    (index, nodes, cp, nodeIps, pod1, v6) => {
      const a = labAddresses(index, nodes);
      expect(a.cpIp).toBe(cp);
      expect(a.nodeIps).toEqual(nodeIps);
      expect(a.podCidrs[0]).toBe(pod1);
      expect(a.podCidrs).toHaveLength(nodes);
      expect(a.serviceCidrV6).toBe(v6);
    },
  );

  it.each([0, 7, MAX_LABS - 1])('keeps every IPv4 address of lab %i inside 198.18.0.0/15', (index) => {
    const a = labAddresses(index, MAX_NODES);
    const ips = [a.cpIp, a.clientIp, a.hostLinkHostIp, a.hostLinkCpIp, ...a.nodeIps, ...a.podGateways];
    const cidrBases = [a.segmentCidr, a.clusterCidr, a.serviceCidrV4, ...a.podCidrs].map(
      (c) => c.split('/')[0] ?? '',
    );
    const poolEnds = a.lbPoolV4.split('-');
    for (const ip of [...ips, ...cidrBases, ...poolEnds]) expect(inLab(ip), ip).toBe(true);
    expect(a.labRoute).toBe('198.18.0.0/15');
  });

  it('gives labs side by side disjoint blocks', () => {
    const ips = (i: number) => {
      const a = labAddresses(i, MAX_NODES);
      return [a.cpIp, a.clientIp, a.hostLinkCpIp, ...a.nodeIps, ...a.podGateways];
    };
    const first = new Set(ips(0));
    expect(ips(1).filter((ip) => first.has(ip))).toEqual([]);
  });

  it.each([
    [-1, 3],
    [MAX_LABS, 3],
    [0.5, 3],
    [0, 0],
    [0, MAX_NODES + 1],
  ])('refuses lab %d with %d nodes', (index, nodes) => {
    expect(() => labAddresses(index, nodes)).toThrow(RangeError);
  });
});

describe('podIp', () => {
  const a = labAddresses(2, 3);
  it.each([
    [1, 1, '198.19.33.2'],
    [1, 250, '198.19.33.251'],
    [3, 7, '198.19.35.8'],
  ])('node %i pod %i is %s', (node, k, ip) => {
    expect(podIp(a, node, k)).toBe(ip);
  });
  it.each([
    [0, 1],
    [4, 1],
    [1, 0],
    [1, 251],
  ])('refuses node %i pod %i', (node, k) => {
    expect(() => podIp(a, node, k)).toThrow(RangeError);
  });
});

describe('freePodSlot', () => {
  it.each([
    [[], 1],
    [['198.19.1.2'], 2],
    [['198.19.1.2', '198.19.1.3'], 3],
    // A removed pod's slot is reused first.
    [['198.19.1.3', '198.19.1.4'], 1],
    [['198.19.1.2', '198.19.1.4'], 2],
  ])('with pods at %j takes slot %i', (used, slot) => {
    expect(freePodSlot(used)).toBe(slot);
  });
});

describe('firstServiceIp', () => {
  it.each([
    ['198.18.4.0/22', '198.18.4.1'],
    ['198.18.20.0/22', '198.18.20.1'],
  ])('of %s is %s', (cidr, ip) => {
    expect(firstServiceIp(cidr)).toBe(ip);
  });
});
