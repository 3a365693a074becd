import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * The one root logger; parts take `child({ component })`. JSON to stdout, as log collectors expect,
 * with the level as a word ("info"), which people and log queries read, not pino's number (30).
 *
 * No pretty printer: in a pod stdout is never a terminal, and `kubectl logs ... | npx pino-pretty`
 * gives people the readable form where they read logs, without a dependency in every image.
 */
export function rootLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    onChild: dedupeBindings,
  };
  return destination ? pino(options, destination) : pino(options);
}

const CHINDINGS = pino.symbols.chindingsSym;

/**
 * pino appends a child's bindings to its parent's as JSON text, so `child({ component: 'heartbeat' })`
 * of a logger that already has `component: 'speaker'` prints the key twice, and log queries then see
 * either value. Here a child's binding replaces its parent's: the innermost part names the line.
 */
function dedupeBindings(child: Logger): void {
  const holder = child as unknown as Record<symbol, unknown>;
  const text = holder[CHINDINGS];
  // The bindings text is `,"k":v,"k2":v2`: the members of a JSON object.
  if (typeof text !== 'string' || text === '') return;
  const merged = JSON.parse(`{${text.slice(1)}}`) as Record<string, unknown>;
  const members = JSON.stringify(merged).slice(1, -1);
  if (members.length !== text.length - 1) holder[CHINDINGS] = `,${members}`;
}
