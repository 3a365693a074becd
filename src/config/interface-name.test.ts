import { describe, expect, it } from 'vitest';
import { interfaceNameProblem } from './interface-name.js';

describe('interfaceNameProblem', () => {
  it.each([
    'eth0',
    'enp0s31f6',
    'br-lan',
    'bond0.100',
    'a',
    'x'.repeat(15),
    'vlan_10',
    'wlan@x',
    'nbsp\u00a0',
  ])('accepts %j', (name) => {
    expect(interfaceNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'interface name is empty'],
    ['x'.repeat(16), `interface name "${'x'.repeat(16)}" is longer than 15 bytes`],
    // 8 characters, 16 bytes: Linux counts bytes.
    ['éééééééé', 'interface name "éééééééé" is longer than 15 bytes'],
    ['.', 'interface name "." is not allowed'],
    ['..', 'interface name ".." is not allowed'],
    ['eth/0', `interface name "eth/0" contains '/', ':' or whitespace`],
    ['eth0:1', `interface name "eth0:1" contains '/', ':' or whitespace`],
    ['eth 0', `interface name "eth 0" contains '/', ':' or whitespace`],
    ['eth0\t', `interface name "eth0\t" contains '/', ':' or whitespace`],
    ['eth\v0', `interface name "eth\v0" contains '/', ':' or whitespace`],
  ])('refuses %j', (name, want) => {
    expect(interfaceNameProblem(name)).toBe(want);
  });
});
