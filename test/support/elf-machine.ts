// What CPU an ELF file is for: its header's e_machine, read the way the kernel's loader does (the byte
// order is EI_DATA's). Used to show that an image's native code is its platform's.

/** e_machine values (the ELF specification's EM_* constants) of the CPUs BareLB's images are for, and near ones. */
const MACHINES: ReadonlyMap<number, string> = new Map([
  [3, 'x86'],
  [40, 'arm'],
  [62, 'x86-64'],
  [183, 'aarch64'],
  [243, 'riscv'],
]);

/** The ELF machine of each image platform's CPU (the OCI platform's architecture). */
export const ELF_MACHINE_OF_ARCH = { amd64: 'x86-64', arm64: 'aarch64' } as const;

/**
 * The CPU named by an ELF header (at least its first 20 bytes): `x86-64`, `aarch64`, ... or
 * `e_machine <n>` for one not named here; undefined for anything that is not ELF.
 */
export function elfMachine(header: Uint8Array): string | undefined {
  if (header.length < 20) return undefined;
  if (header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) return undefined;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const data = header[5];
  if (data !== 1 && data !== 2) return undefined;
  const machine = view.getUint16(18, data === 1);
  return MACHINES.get(machine) ?? `e_machine ${machine}`;
}
