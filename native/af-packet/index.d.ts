// The Linux calls Node has no API for: AF_PACKET and TCP MD5 sockets, and handing the C heap back to the kernel.

/** An open AF_PACKET socket bound to one interface (opaque; anything else passed as a handle is a TypeError). */
export type Handle = { readonly __afPacket: unique symbol };

/**
 * An Error from a system call, shaped like Node's: `code` is the errno name (`EPERM` without
 * CAP_NET_RAW, `ENODEV` for no such interface, `ENETDOWN`, ...), `errno` its number, `syscall` the call.
 */
export interface SystemError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
}

/**
 * Opens a raw socket on `ifname` that receives only ARP and ICMPv6 Neighbor Solicitations and
 * Advertisements (a kernel BPF filter), never our own transmissions. `onFrame` gets each frame on the
 * JS thread; `onError` gets receive errors (e.g. ENETDOWN while the link is down; reception resumes
 * when it comes back up). Throws a SystemError, or a TypeError for bad arguments.
 */
export function open(
  ifname: string,
  onFrame: (frame: Buffer) => void,
  onError?: (err: SystemError) => void,
): Handle;
/** Sends one complete Ethernet frame (14 to 2048 bytes, destination MAC first). */
export function send(handle: Handle, frame: Uint8Array): void;
/** Joins / leaves a link-layer multicast group (6-byte MAC), e.g. an IPv6 solicited-node group. */
export function addMembership(handle: Handle, mac: Uint8Array): void;
export function dropMembership(handle: Handle, mac: Uint8Array): void;
/** Stops the reader thread and closes the socket; no frame is delivered afterwards. Idempotent. */
export function close(handle: Handle): void;

/**
 * Opens a non-blocking TCP socket for a connection to `peerAddress` that Linux signs with the TCP MD5
 * key `key` (RFC 2385, 1 to 80 bytes; setsockopt TCP_MD5SIG), bound to `localAddress` when given, and
 * returns its descriptor unconnected: wrap it in `new net.Socket({ fd })` and connect that to the peer.
 * Throws a SystemError (ENOPROTOOPT: a kernel without CONFIG_TCP_MD5SIG; EADDRNOTAVAIL: no such local
 * address), or a TypeError for bad arguments.
 */
export function md5Socket(peerAddress: string, key: string, localAddress?: string): number;

/**
 * Gives the C heap's free pages back to the kernel (glibc's malloc_trim(0)). Returns true when memory
 * was released, false when none was or the C library has no malloc_trim (musl).
 */
export function heapTrim(): boolean;
