import { type Logger, pino } from 'pino';

/** The one root logger; parts take `child({ component })`. JSON to stdout, as log collectors expect. */
export function rootLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
