import { describe, expect, it } from 'vitest';
import { FrameSocketError, openFrameConnection } from './frame-socket.js';

// What needs no privilege: the addon loads, and bad opens fail as errors, not crashes. Sockets on
// real links are tested as root against the kernel in test/frame-socket.test.ts.
describe('openFrameConnection', () => {
  it('fails with ENODEV for an interface that does not exist', () => {
    let err: unknown;
    try {
      openFrameConnection('blbft-nope0');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrameSocketError);
    expect(err).toMatchObject({ code: 'ENODEV', message: expect.stringContaining('blbft-nope0') });
    expect((err as Error).cause).toMatchObject({ code: 'ENODEV', errno: 19, syscall: 'if_nametoindex' });
  });

  it.each(['', 'x'.repeat(16), 'a\u0000b'])('refuses the interface name %j with a TypeError', (name) => {
    expect(() => openFrameConnection(name)).toThrow(TypeError);
  });
});
