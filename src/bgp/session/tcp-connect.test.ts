import { closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../../native/addon.js';
import { tcpConnect } from './tcp-connect.js';

// What needs no peer: the addon makes a signed socket, and refuses bad arguments with a TypeError
// before any system call. Signed sessions with a real router run in test/bgp-e2e.test.ts.
describe('md5Socket', () => {
  it.each([
    { name: 'IPv4, 80-byte key (the kernel limit)', args: ['198.18.0.240', 'k'.repeat(80)] as const },
    { name: 'IPv6 with a source address', args: ['2002:c612::f0', 'secret', '::1'] as const },
  ])('gives a descriptor: $name', ({ args }) => {
    const fd = nativeAddon().md5Socket(...(args as unknown as [string, string, string?]));
    expect(fd).toBeGreaterThanOrEqual(0);
    closeSync(fd);
  });

  it.each([
    { name: 'an empty key', args: ['198.18.0.240', ''], want: /key must be a string of 1 to 80 bytes/ },
    { name: 'an 81-byte key', args: ['198.18.0.240', 'k'.repeat(81)], want: /1 to 80 bytes/ },
    // 82 bytes in 41 characters: a copy would stop at 80, on a character boundary, and look whole.
    {
      name: 'an 82-byte key of 2-byte characters',
      args: ['198.18.0.240', 'é'.repeat(41)],
      want: /1 to 80 bytes/,
    },
    { name: 'no peer address', args: ['', 'k'], want: /peerAddress must be an address/ },
    { name: 'a peer that is no address', args: ['router', 'k'], want: /peerAddress/ },
    { name: 'a source of the other family', args: ['198.18.0.240', 'k', '::1'], want: /localAddress/ },
  ])('refuses $name with a TypeError', ({ args, want }) => {
    const call = () => nativeAddon().md5Socket(...(args as [string, string, string?]));
    expect(call).toThrow(TypeError);
    expect(call).toThrow(want);
  });
});

describe('tcpConnect', () => {
  it('throws at once, without connecting, when the signed socket cannot be made', () => {
    expect(() => tcpConnect({ host: '198.18.0.240', port: 179, password: 'k'.repeat(81) })).toThrow(
      TypeError,
    );
  });
});
