import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { stopSignal } from './stop-signal.js';

describe('stopSignal', () => {
  it.each<{ name: string; runningFirst: boolean; signal: string; exits: boolean }>([
    { name: 'SIGTERM while starting exits at once', runningFirst: false, signal: 'SIGTERM', exits: true },
    { name: 'SIGINT while starting exits at once', runningFirst: false, signal: 'SIGINT', exits: true },
    {
      name: 'SIGTERM once running asks for a graceful stop',
      runningFirst: true,
      signal: 'SIGTERM',
      exits: false,
    },
  ])('$name', async ({ runningFirst, signal, exits }) => {
    const signals = new EventEmitter();
    let exited = false;
    const s = stopSignal(
      pino({ enabled: false }),
      () => {
        exited = true;
      },
      signals,
    );
    if (runningFirst) s.running();
    signals.emit(signal);
    expect(exited).toBe(exits);
    if (!exits) expect(await s.stopped).toBe(signal);
  });

  it('handles the signal before anything else is set up (PID 1 drops unhandled ones)', () => {
    const signals = new EventEmitter();
    stopSignal(pino({ enabled: false }), () => {}, signals);
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    expect(signals.listenerCount('SIGINT')).toBe(1);
  });
});
