import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { ApiEventRecorder } from './event-recorder.js';
import { loopbackApi } from './loopback-api.js';

/** A loopback stand-in for the apiserver that holds Event POSTs open and tracks how many are open. */
async function holdingServer() {
  const held: ServerResponse[] = [];
  let maxOpen = 0;
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
    maxOpen = Math.max(maxOpen, held.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const api = loopbackApi(`http://127.0.0.1:${port}`);
  return {
    server,
    api,
    open: () => held.length,
    maxOpen: () => maxOpen,
    releaseAll: () => {
      for (const res of held.splice(0)) {
        res.setHeader('Content-Type', 'application/json');
        res.end('{"kind":"Event","apiVersion":"v1","metadata":{"name":"e"}}');
      }
    },
  };
}

const ref = (i: number) => ({ kind: 'Service', apiVersion: 'v1', namespace: 'ns', name: `s${i}` });

describe('ApiEventRecorder', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it.each([
    { busy: false, wait: 200, want: 4 },
    // Busy: status writes come first; events wait...
    { busy: true, wait: 200, want: 0 },
    // ...2 s at most; overdue, they go one at a time until the controller is idle.
    { busy: true, wait: 2_400, want: 1 },
  ])(
    'busy=$busy, after $wait ms: $want event write(s) in flight',
    async ({ busy: startBusy, wait, want }) => {
      let busy = startBusy;
      const s = await holdingServer();
      close = () => {
        s.server.closeAllConnections();
        s.server.close();
      };
      const rec = new ApiEventRecorder(
        s.api,
        'test',
        'host',
        pino({ level: 'silent' }),
        systemClock,
        () => busy,
      );
      for (let i = 0; i < 10; i++) rec.record(ref(i), 'Normal', 'IPAllocated', `ip ${i}`);
      await sleep(wait);
      // `wait` is a lower bound only: on a busy machine (the suite runs next to stress-ng) the writes
      // may reach the server later, never sooner and never more of them.
      for (let t = 0; t < 200 && s.open() < want; t++) await sleep(50);
      expect(s.open()).toBe(want);
      expect(s.maxOpen()).toBe(want);
      // Going idle lifts the limit as soon as the next write completes.
      busy = false;
      for (let round = 0; round < 20 && s.maxOpen() < 4; round++) {
        s.releaseAll();
        await sleep(50);
      }
      expect(s.maxOpen()).toBe(4);
    },
  );

  it('records identical events once per window', async () => {
    const s = await holdingServer();
    close = () => {
      s.server.closeAllConnections();
      s.server.close();
    };
    const rec = new ApiEventRecorder(s.api, 'test', 'host', pino({ level: 'silent' }), systemClock);
    for (let i = 0; i < 3; i++) rec.record(ref(1), 'Normal', 'IPAllocated', 'same');
    // The first write may reach the server late on a busy machine: wait for it, then long enough for
    // any (wrong) second one to arrive too.
    for (let t = 0; t < 200 && s.open() < 1; t++) await sleep(50);
    await sleep(200);
    expect(s.open()).toBe(1);
  });

  it.each([
    // An answering server: every waiting event is written before stop resolves.
    { answers: true, wantWritten: 10, wantDropped: 0 },
    // A server that never answers: the four in flight stay open, the other six are dropped at the
    // deadline, and stop resolves anyway instead of keeping the process alive.
    { answers: false, wantWritten: 4, wantDropped: 6 },
  ])('stop(): answers=$answers → $wantWritten written, $wantDropped dropped', async (row) => {
    const s = await holdingServer();
    let received = 0;
    s.server.on('request', () => {
      received++;
      if (row.answers) s.releaseAll();
    });
    close = () => {
      s.server.closeAllConnections();
      s.server.close();
    };
    const logged: { dropped?: number }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const rec = new ApiEventRecorder(s.api, 'test', 'host', log, systemClock, () => true);
    // Busy: all ten wait (less than 2 s), so stop() is what sends them.
    for (let i = 0; i < 10; i++) rec.record(ref(i), 'Normal', 'IPAllocated', `ip ${i}`);
    const t0 = performance.now();
    await rec.stop(500);
    const took = performance.now() - t0;
    rec.record(ref(99), 'Normal', 'IPAllocated', 'after stop');
    await sleep(100);
    expect(received).toBe(row.wantWritten);
    expect(logged.reduce((n, l) => n + (l.dropped ?? 0), 0)).toBe(row.wantDropped);
    // Not answered: it waited for the deadline, and not much past it.
    if (!row.answers) expect(took).toBeGreaterThanOrEqual(490);
    expect(took).toBeLessThan(5_000);
  });
});
