import { type Logger, pino } from 'pino';

/**
 * The one root logger; parts take `child({ component })`. JSON to stdout, as log collectors expect,
 * with the level as a word ("info"), which people and log queries read, not pino's number (30).
 */
export function rootLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
