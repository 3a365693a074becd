import { type Addon, nativeAddon } from '../native/addon.js';

/**
 * A raw Ethernet connection on one interface: the only surface the speaker uses to read and write
 * frames. The real one wraps the AF_PACKET addon (native/af-packet); tests use in-memory fakes.
 */
export interface FrameConnection {
  readonly ifname: string;
  /** Sends one complete Ethernet frame. Throws a FrameSocketError (e.g. ENETDOWN, EBADF once closed). */
  send(frame: Uint8Array): void;
  /** Every ARP and ICMPv6 NS/NA frame received on the interface, except our own transmissions. */
  onFrame(cb: (frame: Uint8Array) => void): void;
  /** Joins a link-layer multicast group, e.g. 33:33:ff:xx:xx:xx for an IPv6 solicited-node group. */
  joinMulticast(mac: Uint8Array): void;
  leaveMulticast(mac: Uint8Array): void;
  /** Closes the socket; no frame is delivered afterwards. Idempotent. */
  close(): void;
}

export interface FrameConnectionOptions {
  /**
   * Receive errors reported by the kernel, such as ENETDOWN while the link is down (reception
   * resumes when it comes back up). Without it they are dropped.
   */
  readonly onError?: (err: FrameSocketError) => void;
}

/** A failed socket operation; `code` is the errno name (EPERM, ENODEV, ENETDOWN, EBADF, ...). */
export class FrameSocketError extends Error {
  override readonly name = 'FrameSocketError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** System errors from the addon become FrameSocketErrors; TypeErrors (our bugs) pass through. */
function wrapError(ifname: string, err: unknown): unknown {
  if (err instanceof TypeError || !(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  return new FrameSocketError(`${ifname}: ${err.message}`, typeof code === 'string' ? code : 'EUNKNOWN', {
    cause: err,
  });
}

function call<T>(ifname: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw wrapError(ifname, err);
  }
}

/**
 * Opens an AF_PACKET socket on `ifname` that sees only ARP and NDP (a kernel BPF filter) and never
 * our own frames. Needs CAP_NET_RAW (EPERM without it); an unknown interface is ENODEV.
 */
export function openFrameConnection(ifname: string, opts: FrameConnectionOptions = {}): FrameConnection {
  const lib: Addon = nativeAddon();
  const listeners: ((frame: Uint8Array) => void)[] = [];
  let closed = false;
  const deliver = (frame: Buffer): void => {
    if (closed) return;
    for (const l of listeners) {
      try {
        l(frame);
      } catch (err) {
        // A throw inside a native callback would be swallowed by Node (with only a deprecation
        // warning); rethrow it outside, as an EventEmitter listener's would be.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  };
  const { onError } = opts;
  const handle = call(ifname, () =>
    lib.open(
      ifname,
      deliver,
      onError &&
        ((err) => {
          if (!closed) onError(wrapError(ifname, err) as FrameSocketError);
        }),
    ),
  );
  return {
    ifname,
    send: (frame) => call(ifname, () => lib.send(handle, frame)),
    onFrame: (cb) => {
      listeners.push(cb);
    },
    joinMulticast: (mac) => call(ifname, () => lib.addMembership(handle, mac)),
    leaveMulticast: (mac) => call(ifname, () => lib.dropMembership(handle, mac)),
    close: () => {
      if (closed) return;
      closed = true;
      lib.close(handle);
    },
  };
}
