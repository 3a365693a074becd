/** An open AF_PACKET socket bound to one interface (opaque). */
export type Handle = { readonly __afPacket: unique symbol };

/**
 * Opens a raw socket on `ifname` that receives only ARP and ICMPv6 Neighbor Solicitations and
 * Advertisements (kernel BPF filter), never our own transmissions. `onFrame` gets each frame.
 * Throws an Error with `code` (errno name, e.g. EPERM without CAP_NET_RAW, ENODEV for no such interface).
 */
export function open(ifname: string, onFrame: (frame: Buffer) => void): Handle;
/** Sends one complete Ethernet frame. */
export function send(handle: Handle, frame: Uint8Array): void;
/** Joins / leaves a link-layer multicast group (6-byte MAC). */
export function addMembership(handle: Handle, mac: Uint8Array): void;
export function dropMembership(handle: Handle, mac: Uint8Array): void;
/** Stops the reader thread and closes the socket. Idempotent. */
export function close(handle: Handle): void;
