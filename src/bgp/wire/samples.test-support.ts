import { parseAddress } from '../../net/address.js';
import type { BgpMessage } from './messages.js';

/** A textual address as an Address, for fixtures (throws on a typo). */
export function addr(text: string) {
  const a = parseAddress(text);
  if (!a) throw new Error(`not an address: ${text}`);
  return a;
}

/**
 * One valid message of each shape BareLB sends or reads, for round trips and as the fuzzers' seeds:
 * OPEN with every capability, UPDATEs for IPv4 (every attribute) and IPv6 (MP_REACH/MP_UNREACH),
 * End-of-RIB, NOTIFICATION, ROUTE-REFRESH, KEEPALIVE.
 */
export const SAMPLE_MESSAGES: readonly BgpMessage[] = [
  { type: 'keepalive' },
  {
    type: 'open',
    version: 4,
    myAs: 64512,
    holdTimeS: 90,
    bgpId: 0xc612000b,
    capabilities: [
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'multiprotocol', afi: 2, safi: 1 },
      { kind: 'route-refresh' },
      {
        kind: 'graceful-restart',
        restarting: true,
        restartTimeS: 120,
        families: [
          { afi: 1, safi: 1, forwardingPreserved: true },
          { afi: 2, safi: 1, forwardingPreserved: false },
        ],
      },
      { kind: 'four-octet-as', asn: 4200000000 },
      { kind: 'unknown', code: 73, value: Uint8Array.of(5, 0x68, 0x6f, 0x73, 0x74, 0x31) },
    ],
  },
  {
    type: 'update',
    withdrawn: [{ address: addr('198.18.1.11'), length: 32 }],
    attributes: {
      origin: 0,
      asPath: [{ type: 2, asns: [64512, 4200000000] }],
      nextHop: addr('198.18.0.12'),
      med: 10,
      localPref: 200,
      atomicAggregate: true,
      aggregator: { asn: 64512, address: addr('198.18.0.1') },
      communities: [65000 * 65536 + 100, 0xffffff01],
      largeCommunities: [[4200000000, 1, 2]],
    },
    nlri: [
      { address: addr('198.18.1.10'), length: 32 },
      { address: addr('198.18.8.0'), length: 22 },
    ],
  },
  {
    type: 'update',
    withdrawn: [],
    attributes: {
      origin: 0,
      asPath: [],
      mpReach: {
        afi: 2,
        safi: 1,
        nextHops: [addr('2002:c612:b::1'), addr('fe80::1')],
        nlri: [
          { address: addr('2002:c612:1::a'), length: 128 },
          { address: addr('2002:c612:1::'), length: 64 },
        ],
      },
      mpUnreach: { afi: 2, safi: 1, withdrawn: [{ address: addr('2002:c612:1::b'), length: 128 }] },
    },
    nlri: [],
  },
  { type: 'update', withdrawn: [], attributes: {}, nlri: [] },
  { type: 'notification', code: 2, subcode: 2, data: Uint8Array.of(0xfd, 0xe8) },
  { type: 'route-refresh', afi: 2, safi: 1 },
];
