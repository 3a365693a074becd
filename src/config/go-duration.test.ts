import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it.each([
    { text: '90s', want: { ok: true, ms: 90_000 } },
    { text: '1m30s', want: { ok: true, ms: 90_000 } },
    { text: '500ms', want: { ok: true, ms: 500 } },
    { text: '1.5s', want: { ok: true, ms: 1_500 } },
    { text: '2h', want: { ok: true, ms: 7_200_000 } },
    { text: '0', want: { ok: true, ms: 0 } },
    { text: '0s', want: { ok: true, ms: 0 } },
  ])('$text -> $want.ms ms', ({ text, want }) => {
    expect(parseGoDuration(text)).toEqual(want);
  });

  it.each([
    { text: '', reason: /empty/ },
    { text: '90', reason: /not a duration at "90"/ },
    { text: '-3s', reason: /not a duration at "-3s"/ },
    { text: '3 s', reason: /not a duration at "3 s"/ },
    { text: '3s x', reason: /not a duration at " x"/ },
    { text: '1us', reason: /not a duration at "1us"/ },
    { text: '1.0005s', reason: /whole number of milliseconds/ },
    { text: 's', reason: /not a duration/ },
  ])('refuses "$text"', ({ text, reason }) => {
    const r = parseGoDuration(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
