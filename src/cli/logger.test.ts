import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { rootLogger } from './logger.js';

/** Logs through the real root logger into memory; returns the raw lines. */
function capture(level: string, use: (log: Logger) => void): string[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  use(rootLogger(level, sink));
  return lines;
}

/** How often `key` appears as a member name in a raw JSON line (JSON.parse would hide duplicates). */
const occurrences = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe('rootLogger: one line, readable keys', () => {
  it.each([
    {
      name: 'a child of a child with the same key: the innermost wins, printed once',
      log: (l: Logger) =>
        l.child({ component: 'speaker', node: 'n1' }).child({ component: 'heartbeat' }).info('x'),
      want: { component: 'heartbeat', node: 'n1' },
    },
    {
      name: 'three levels deep',
      log: (l: Logger) =>
        l
          .child({ component: 'controller' })
          .child({ component: 'informer' })
          .child({ component: 'watch' })
          .info('x'),
      want: { component: 'watch' },
    },
    {
      name: 'distinct keys stay as they are',
      log: (l: Logger) => l.child({ component: 'speaker' }).child({ node: 'n2' }).info('x'),
      want: { component: 'speaker', node: 'n2' },
    },
    {
      name: 'a value with quotes, commas and colons survives the rewrite',
      log: (l: Logger) => l.child({ component: 'a' }).child({ component: 'b', note: 'x,"y":z' }).info('x'),
      want: { component: 'b', note: 'x,"y":z' },
    },
  ])('$name', ({ log, want }) => {
    const [line = ''] = capture('info', log);
    expect(occurrences(line, 'component')).toBe(1);
    expect(JSON.parse(line)).toMatchObject({ ...want, level: 'info', msg: 'x' });
  });

  it.each([
    { level: 'info', call: (l: Logger) => l.info('a'), want: 'info' },
    { level: 'info', call: (l: Logger) => l.warn('a'), want: 'warn' },
    { level: 'debug', call: (l: Logger) => l.debug('a'), want: 'debug' },
  ])('level is a word: $want', ({ level, call, want }) => {
    const [line = ''] = capture(level, call);
    expect(JSON.parse(line).level).toBe(want);
  });

  it('debug lines stay out at info', () => {
    expect(capture('info', (l) => l.child({ component: 'c' }).debug('hidden'))).toEqual([]);
  });
});
