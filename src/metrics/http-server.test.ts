import { describe, expect, it } from 'vitest';
import { parseListen } from './http-server.js';

describe('parseListen', () => {
  it.each([
    { addr: ':7472', host: undefined, port: 7472 },
    { addr: '0.0.0.0:7472', host: '0.0.0.0', port: 7472 },
    { addr: '127.0.0.1:1', host: '127.0.0.1', port: 1 },
    { addr: '[::1]:9000', host: '::1', port: 9000 },
  ])('$addr', ({ addr, host, port }) => {
    expect(parseListen(addr)).toEqual({ host, port });
  });
  it.each(['7472', 'localhost', ':x', ''])('refuses %s', (addr) => {
    expect(() => parseListen(addr)).toThrow(/bad listen address/);
  });
});
