import { connect } from 'node:net';
import { http } from '../runtime/required-builtins.js';

/** HTTP status of a GET, or 0 when nothing answered in time. Never throws. */
export function httpProbe(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(code);
    };
    const req = http.request(
      url,
      { method: 'GET', agent: false, headers: { Connection: 'close' } },
      (res) => {
        res.resume();
        finish(res.statusCode ?? 0);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(0);
    }, timeoutMs);
    req.on('error', () => finish(0));
    req.end();
  });
}

/** True when a TCP connection opens within the timeout. Never throws. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}
