/**
 * Go's time.Duration text ("90s", "1m30s", "500ms"), as MetalLB's BGPPeer takes holdTime,
 * keepaliveTime and connectTime: a migrated object keeps its meaning. Returns milliseconds, or a
 * reason the text is refused. Sub-millisecond units are refused: no BGP timer is that fine.
 */
export type DurationParse = { ok: true; ms: number } | { ok: false; reason: string };

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

export function parseGoDuration(text: string): DurationParse {
  if (text === '0') return { ok: true, ms: 0 };
  if (text === '') return { ok: false, reason: 'empty duration' };
  let ms = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m) {
      return {
        ok: false,
        reason: `"${text}" is not a duration at "${text.slice(at)}" (want e.g. 90s, 1m30s, 500ms)`,
      };
    }
    ms += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isInteger(ms)) return { ok: false, reason: `"${text}" is not a whole number of milliseconds` };
  return { ok: true, ms };
}
