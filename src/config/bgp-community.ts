/**
 * BGP communities as MetalLB writes them in BGPAdvertisement and Community objects: `65535:65282`
 * (RFC 1997: two 16-bit halves) or `large:64512:1:2` (RFC 8092: three 32-bit parts). The values are
 * what the wire codec sends (src/bgp/wire/attributes.ts): a u32, or a triple of u32.
 */
export type CommunityValue =
  | { readonly kind: 'standard'; readonly value: number }
  | { readonly kind: 'large'; readonly value: readonly [number, number, number] };

export type CommunityParse = { ok: true; community: CommunityValue } | { ok: false; reason: string };

const DECIMAL = /^(0|[1-9]\d*)$/;

function part(text: string, max: number): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

export function parseCommunity(text: string): CommunityParse {
  const parts = text.split(':');
  if (parts[0] === 'large') {
    const nums = parts.slice(1).map((p) => part(p, 0xffff_ffff));
    const [g, l1, l2] = nums;
    if (nums.length !== 3 || g === undefined || l1 === undefined || l2 === undefined)
      return {
        ok: false,
        reason: `"${text}" is not a large community (want large:<global>:<local1>:<local2>, each 0-4294967295)`,
      };
    return { ok: true, community: { kind: 'large', value: [g, l1, l2] } };
  }
  const [high, low] = parts.map((p) => part(p, 0xffff));
  if (parts.length !== 2 || high === undefined || low === undefined)
    return {
      ok: false,
      reason: `"${text}" is not a community (want <0-65535>:<0-65535>, or large:<global>:<local1>:<local2>)`,
    };
  return { ok: true, community: { kind: 'standard', value: high * 0x1_0000 + low } };
}

/** How a community is written back, for messages and status. */
export function formatCommunity(c: CommunityValue): string {
  return c.kind === 'large'
    ? `large:${c.value.join(':')}`
    : `${Math.floor(c.value / 0x1_0000)}:${c.value % 0x1_0000}`;
}
