import { createRequire } from 'node:module';

/**
 * A raw Ethernet connection on one interface: the only surface the speaker uses to read and write
 * frames. The real one wraps the AF_PACKET addon (native/af-packet); tests use in-memory fakes.
 */
export interface FrameConnection {
  readonly ifname: string;
  send(frame: Uint8Array): void;
  onFrame(cb: (frame: Uint8Array) => void): void;
  joinMulticast(mac: Uint8Array): void;
  leaveMulticast(mac: Uint8Array): void;
  close(): void;
}

interface AfPacket {
  open(ifname: string, onFrame: (frame: Buffer) => void): unknown;
  send(handle: unknown, frame: Uint8Array): void;
  addMembership(handle: unknown, mac: Uint8Array): void;
  dropMembership(handle: unknown, mac: Uint8Array): void;
  close(handle: unknown): void;
}

let addon: AfPacket | undefined;

/** Loads the addon on first use, so code that never opens a socket never needs it built. */
function afPacket(): AfPacket {
  addon ??= createRequire(import.meta.url)('@barelb/af-packet') as AfPacket;
  return addon;
}

/**
 * Opens an AF_PACKET socket on `ifname` that sees only ARP and NDP (a kernel BPF filter) and never
 * our own frames. Needs CAP_NET_RAW; errors carry the errno name as `code` (EPERM, ENODEV, ...).
 */
export function openFrameConnection(ifname: string): FrameConnection {
  const lib = afPacket();
  const listeners: ((frame: Uint8Array) => void)[] = [];
  const handle = lib.open(ifname, (frame) => {
    for (const l of listeners) l(frame);
  });
  let closed = false;
  return {
    ifname,
    send: (frame) => lib.send(handle, frame),
    onFrame: (cb) => {
      listeners.push(cb);
    },
    joinMulticast: (mac) => lib.addMembership(handle, mac),
    leaveMulticast: (mac) => lib.dropMembership(handle, mac),
    close: () => {
      if (closed) return;
      closed = true;
      lib.close(handle);
    },
  };
}
