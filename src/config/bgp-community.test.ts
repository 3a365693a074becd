import { describe, expect, it } from 'vitest';
import { formatCommunity, parseCommunity } from './bgp-community.js';

describe('parseCommunity', () => {
  it.each([
    { text: '65535:65282', want: { kind: 'standard', value: 0xffff_ff02 } },
    { text: '0:0', want: { kind: 'standard', value: 0 } },
    { text: '64512:100', want: { kind: 'standard', value: 64512 * 65536 + 100 } },
    { text: 'large:4294967295:1:2', want: { kind: 'large', value: [4294967295, 1, 2] } },
    { text: 'large:0:0:0', want: { kind: 'large', value: [0, 0, 0] } },
  ])('$text', ({ text, want }) => {
    const r = parseCommunity(text);
    expect(r).toEqual({ ok: true, community: want });
    if (r.ok) expect(formatCommunity(r.community)).toBe(text);
  });

  it.each([
    { text: '65536:1', reason: /not a community/ },
    { text: '1:65536', reason: /not a community/ },
    { text: '1', reason: /not a community/ },
    { text: '1:2:3', reason: /not a community/ },
    { text: '01:2', reason: /not a community/ },
    { text: '-1:2', reason: /not a community/ },
    { text: 'NO_ADVERTISE', reason: /not a community/ },
    { text: 'large:1:2', reason: /not a large community/ },
    { text: 'large:1:2:4294967296', reason: /not a large community/ },
    { text: 'large:1:2:3:4', reason: /not a large community/ },
  ])('refuses $text', ({ text, reason }) => {
    const r = parseCommunity(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
