import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXCLUDES,
  matchesPattern,
  type SelectOptions,
  selectInterfaces,
} from './interface-selection.js';
import type { LinkInfo } from './link-info.js';

const link = (name: string, over: Partial<LinkInfo> = {}): LinkInfo => ({
  name,
  index: 1,
  mac: new Uint8Array([2, 0, 0, 0, 0, 1]),
  up: true,
  broadcast: true,
  loopback: false,
  ethernet: true,
  slave: false,
  ipv4: [],
  ...over,
});

describe('matchesPattern', () => {
  it.each([
    ['eth0', 'eth0', true],
    ['eth0', 'eth', false],
    ['eth01', 'eth0', false],
    ['veth1234', 'veth*', true],
    ['veth', 'veth*', true],
    ['eth0', 'veth*', false],
    ['br-1a2b', 'br-*', true],
    ['br0', 'br-*', false],
    ['eth0.100', '*.100', true],
    ['eth0.1000', '*.100', false],
    ['anything', '*', true],
    ['kube-ipvs0', 'kube-*0', true],
    ['kube-0', 'kube-*-0', false],
    ['a-b-c', 'a*b*c', true],
    ['abc', 'a*bc*c', false],
  ])('%s ~ %s = %s', (name, pattern, want) => {
    expect(matchesPattern(name, pattern)).toBe(want);
  });
});

describe('selectInterfaces', () => {
  const links = [
    link('lo', { loopback: true, broadcast: false }),
    link('eth0'),
    link('eth1', { up: false }),
    link('ens3', { slave: true, master: 'bond0' }),
    link('bond0'),
    link('eth2', { master: 'vrf-blue' }), // a VRF member is not a slave
    link('ib0', { ethernet: false }),
    link('ppp0', { broadcast: false }),
    link('veth1234'),
    link('cali99'),
    link('flannel.1'),
    link('cni0'),
    link('kube-ipvs0'),
    link('kube-bridge'),
    link('docker0'),
    link('br-5f1e'),
    link('cilium_host'),
    link('vxlan.calico'),
    link('tunl0'),
    link('nodelocaldns'),
    link('lxc12ab'),
    link('genev_sys_6081'),
    link('wg0', { broadcast: false }),
    link('zt0'),
    link('virbr0'),
    link('tap0'),
    link('dummy0'),
    link('cbr0'),
    link('br0'),
  ];
  it.each<{ name: string; opts: SelectOptions; want: string[] }>([
    {
      name: 'defaults: up, broadcast, Ethernet, not enslaved, not excluded',
      opts: {},
      want: ['eth0', 'bond0', 'eth2', 'cbr0', 'br0'],
    },
    {
      name: 'extra excludes add to the defaults',
      opts: { excludes: [...DEFAULT_EXCLUDES, 'cbr*', 'br0'] },
      want: ['eth0', 'bond0', 'eth2'],
    },
    {
      name: 'an empty exclude list excludes nothing by name',
      opts: { excludes: [] },
      want: links
        .filter((l) => l.up && l.broadcast && l.ethernet && !l.loopback && !l.slave)
        .map((l) => l.name),
    },
    {
      name: 'named interfaces win over excludes and slavery; down, unknown and non-Ethernet ones are skipped',
      opts: { named: ['eth1', 'veth1234', 'ens3', 'ib0', 'nope'] },
      want: ['ens3', 'veth1234'],
    },
    {
      name: 'an empty name list means the defaults',
      opts: { named: [] },
      want: ['eth0', 'bond0', 'eth2', 'cbr0', 'br0'],
    },
  ])('$name', ({ opts, want }) => {
    expect(selectInterfaces(links, opts).map((l) => l.name)).toEqual(want);
  });

  it('matches every default exclude pattern against a typical name', () => {
    const typical = DEFAULT_EXCLUDES.map((p) => p.replace('*', '0'));
    expect(selectInterfaces(typical.map((n) => link(n)))).toEqual([]);
  });
});
