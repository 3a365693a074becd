import { describe, expect, it } from 'vitest';
import { elfMachine } from './elf-machine.js';

/** An ELF header's first 20 bytes: magic, class, byte order (1 little, 2 big), then e_machine at 18. */
function header(machine: number, order: 1 | 2, magic = [0x7f, 0x45, 0x4c, 0x46]): Uint8Array {
  const b = new Uint8Array(20);
  b.set(magic, 0);
  b[4] = 2;
  b[5] = order;
  b[6] = 1;
  new DataView(b.buffer).setUint16(18, machine, order === 1);
  return b;
}

describe('elfMachine', () => {
  it.each([
    { name: 'x86-64, little-endian', bytes: header(62, 1), want: 'x86-64' },
    { name: 'aarch64, little-endian', bytes: header(183, 1), want: 'aarch64' },
    { name: 'aarch64, big-endian (aarch64_be)', bytes: header(183, 2), want: 'aarch64' },
    { name: '32-bit arm', bytes: header(40, 1), want: 'arm' },
    { name: 'i386', bytes: header(3, 1), want: 'x86' },
    { name: 'a machine not named here', bytes: header(0x1234, 1), want: 'e_machine 4660' },
    // 62 read in the wrong byte order would be 15872: the order must come from EI_DATA.
    { name: 'x86-64 stored big-endian', bytes: header(62, 2), want: 'x86-64' },
    {
      name: 'not ELF (a script)',
      bytes: new TextEncoder().encode('#!/bin/sh\necho hello world\n'),
      want: undefined,
    },
    { name: 'ELF magic, unknown byte order', bytes: header(62, 1).fill(0, 5, 6), want: undefined },
    { name: 'shorter than a header', bytes: header(62, 1).subarray(0, 19), want: undefined },
    { name: 'bad magic', bytes: header(62, 1, [0x7f, 0x45, 0x4c, 0x47]), want: undefined },
    {
      name: 'a header inside a larger buffer',
      bytes: new Uint8Array([0, 0, ...header(183, 1)]).subarray(2),
      want: 'aarch64',
    },
  ])('$name → $want', ({ bytes, want }) => {
    expect(elfMachine(bytes)).toBe(want);
  });
});
