/**
 * Opens a BGP session's TCP connection, signed with a TCP MD5 key (RFC 2385) when the peer has a
 * password. Node cannot set TCP_MD5SIG, and the key must be on the socket before its SYN, so the
 * native addon opens the socket with the key set (and the source address bound), and Node connects
 * the descriptor: from there it is an ordinary net.Socket.
 */
import { connect, Socket } from 'node:net';
import { nativeAddon } from '../../native/addon.js';

export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly localAddress?: string | undefined;
  readonly password?: string | undefined;
}

/**
 * Starts connecting; connection errors come as the socket's 'error' and 'close' events, as for
 * net.connect. Throws (a system error: ENOPROTOOPT on a kernel without TCP MD5, EADDRNOTAVAIL for a
 * source address the node lacks) only when the signed socket cannot be made.
 */
export function tcpConnect(t: ConnectTarget): Socket {
  if (t.password === undefined)
    return connect({
      host: t.host,
      port: t.port,
      ...(t.localAddress ? { localAddress: t.localAddress } : {}),
    });
  const fd = nativeAddon().md5Socket(t.host, t.password, t.localAddress);
  return new Socket({ fd, readable: true, writable: true }).connect({ host: t.host, port: t.port });
}
