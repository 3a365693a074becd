import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAddress } from '../net/address.js';
import { formatMac } from './ethernet.js';
import { type LinkInfo, listLinks, type SysfsLink, toLinkInfo } from './link-info.js';

describe('toLinkInfo', () => {
  const base: SysfsLink = {
    name: 'eth0',
    ifindex: '2',
    address: '02:42:ac:11:00:02',
    flags: '0x1003',
    operstate: 'up',
    type: '1',
  };
  const ipv4 = {
    eth0: [
      { address: '198.18.0.2', family: 'IPv4' as const },
      { address: 'fe80::1', family: 'IPv6' as const },
    ],
  };
  it.each<{ name: string; s: Partial<SysfsLink>; want: Partial<LinkInfo> | undefined }>([
    {
      name: 'an ordinary up Ethernet link',
      s: {},
      want: { up: true, broadcast: true, loopback: false, ethernet: true, slave: false },
    },
    { name: 'admin down', s: { flags: '0x1002', operstate: 'down' }, want: { up: false } },
    { name: 'admin up, no carrier', s: { operstate: 'down' }, want: { up: false } },
    { name: 'admin up, lower layer down', s: { operstate: 'lowerlayerdown' }, want: { up: false } },
    { name: 'operstate unknown counts as up', s: { operstate: 'unknown' }, want: { up: true } },
    {
      name: 'bond slave',
      s: { master: 'bond0', masterType: 'bond' },
      want: { slave: true, master: 'bond0' },
    },
    { name: 'bridge port', s: { master: 'br0', masterType: 'bridge' }, want: { slave: true } },
    {
      name: 'VRF member is not a slave',
      s: { master: 'blue', masterType: 'vrf' },
      want: { slave: false, master: 'blue' },
    },
    {
      name: 'loopback',
      s: { flags: '0x9', type: '772' },
      want: { loopback: true, broadcast: false, ethernet: false },
    },
    { name: 'no MAC (tunnel, WireGuard)', s: { address: '' }, want: undefined },
  ])('$name', ({ s, want }) => {
    const got = toLinkInfo({ ...base, ...s } as SysfsLink, ipv4);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });

  it('skips a link whose address file is unreadable', () => {
    const { address: _, ...noAddress } = base;
    expect(toLinkInfo(noAddress, {})).toBeUndefined();
  });

  it('takes the IPv4 addresses of its interface only', () => {
    const got = toLinkInfo(base, ipv4);
    expect(got?.ipv4.map(formatAddress)).toEqual(['198.18.0.2']);
    expect(toLinkInfo({ ...base, name: 'eth9' }, ipv4)?.ipv4).toEqual([]);
  });
});

describe('listLinks (a fake sysfs tree)', () => {
  let root: string;
  const link = (name: string, files: Record<string, string>, master?: string) => {
    const dir = join(root, 'net', name);
    mkdirSync(dir, { recursive: true });
    for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), `${v}\n`);
    if (master) symlinkSync(`../${master}`, join(dir, 'master'));
  };
  const eth = (index: number, mac: string, extra: Record<string, string> = {}) => ({
    ifindex: String(index),
    address: mac,
    flags: '0x1003',
    operstate: 'up',
    type: '1',
    uevent: '',
    ...extra,
  });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'barelb-link-info-'));
    link('lo', {
      ifindex: '1',
      address: '00:00:00:00:00:00',
      flags: '0x9',
      operstate: 'unknown',
      type: '772',
    });
    link('eth1', eth(3, '02:00:00:00:00:03'));
    link('eth0', eth(2, '02:00:00:00:00:02'));
    link(
      'bond0',
      eth(4, '02:00:00:00:00:04', { flags: '0x1403', uevent: 'DEVTYPE=bond\nINTERFACE=bond0\nIFINDEX=4' }),
    );
    link('ens3', eth(5, '02:00:00:00:00:04', { flags: '0x1803' }), 'bond0');
    link('wg0', { ifindex: '6', address: '', flags: '0x91', operstate: 'unknown', type: '65534' });
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('reads every link with a MAC, sorted by index, with masters and IPv4', () => {
    const links = listLinks({
      sysfs: join(root, 'net'),
      addresses: () => ({
        eth0: [{ address: '198.18.0.2', family: 'IPv4' }],
      }),
    });
    const view = links.map((l) => ({
      name: l.name,
      index: l.index,
      mac: formatMac(l.mac),
      up: l.up,
      slave: l.slave,
      master: l.master,
      ipv4: l.ipv4.map(formatAddress),
    }));
    expect(view).toEqual([
      {
        name: 'lo',
        index: 1,
        mac: '00:00:00:00:00:00',
        up: true,
        slave: false,
        master: undefined,
        ipv4: [],
      },
      {
        name: 'eth0',
        index: 2,
        mac: '02:00:00:00:00:02',
        up: true,
        slave: false,
        master: undefined,
        ipv4: ['198.18.0.2'],
      },
      {
        name: 'eth1',
        index: 3,
        mac: '02:00:00:00:00:03',
        up: true,
        slave: false,
        master: undefined,
        ipv4: [],
      },
      {
        name: 'bond0',
        index: 4,
        mac: '02:00:00:00:00:04',
        up: true,
        slave: false,
        master: undefined,
        ipv4: [],
      },
      {
        name: 'ens3',
        index: 5,
        mac: '02:00:00:00:00:04',
        up: true,
        slave: true,
        master: 'bond0',
        ipv4: [],
      },
    ]);
  });

  it('is empty when sysfs is not there', () => {
    expect(listLinks({ sysfs: join(root, 'missing'), addresses: () => ({}) })).toEqual([]);
  });

  it('reads this machine: at least the loopback link', () => {
    expect(listLinks().some((l) => l.loopback)).toBe(true);
  });
});
