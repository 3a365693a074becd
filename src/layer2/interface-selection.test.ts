import { describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDES, selectInterfaces } from './interface-selection.js';
import type { LinkInfo } from './link-info.js';

const link = (name: string, over: Partial<LinkInfo> = {}): LinkInfo => ({
  name,
  index: 1,
  mac: new Uint8Array([2, 0, 0, 0, 0, 1]),
  up: true,
  broadcast: true,
  loopback: false,
  slave: false,
  ...over,
});

describe('selectInterfaces', () => {
  const links = [
    link('lo', { loopback: true, broadcast: false }),
    link('eth0'),
    link('eth1', { up: false }),
    link('ens3', { slave: true }),
    link('bond0'),
    link('veth1234'),
    link('cali99'),
    link('flannel.1'),
    link('cni0'),
    link('kube-ipvs0'),
    link('docker0'),
    link('wg0', { broadcast: false }),
    link('cbr0'),
  ];
  it.each([
    {
      name: 'defaults: up, broadcast, not enslaved, not excluded',
      opts: {},
      want: ['eth0', 'bond0', 'cbr0'],
    },
    { name: 'extra excludes', opts: { excludes: [...DEFAULT_EXCLUDES, 'cbr*'] }, want: ['eth0', 'bond0'] },
    {
      name: 'named interfaces win, down ones skipped',
      opts: { named: ['eth1', 'veth1234', 'nope'] },
      want: ['veth1234'],
    },
  ])('$name', ({ opts, want }) => {
    expect(selectInterfaces(links, opts).map((l) => l.name)).toEqual(want);
  });
});
