import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../election/seeded-random.js';
import { type Address, formatAddress, parseAddress } from '../net/address.js';
import { buildArpFrame, buildGratuitousArp, decodeArp } from './arp.js';
import { BROADCAST_MAC, decodeEthernet, type Mac, parseMac, sameMac, ZERO_MAC } from './ethernet.js';
import {
  buildNeighborAdvertisement,
  buildNeighborSolicitation,
  decodeNdp,
  ipv6MulticastMac,
  solicitedNodeMulticast,
  UNSPECIFIED_IPV6,
} from './ndp.js';
import {
  type AllowedInterfaces,
  decide,
  type OwnedAddresses,
  RESPONDER_DROP_REASONS,
  type ResponderDecision,
  type ResponderInterface,
} from './responder.js';

// One million random and mutated frames through `decide`. The oracle reads the input at fixed RFC offsets,
// independently of the decoders under test, and checks every reply against it. Seeded: a failure prints the
// iteration and the frame, and re-running reproduces it.
const SEED = 0x5eed_b1b1;
const ITERATIONS = 1_000_000;

const ip = (s: string): Address => parseAddress(s) ?? { family: 'IPv4', value: -1n };
const mac = (s: string): Mac => parseMac(s) ?? new Uint8Array(0);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const OUR_MAC = mac('02:b1:b1:00:00:01');
const CLIENT_MAC = mac('02:00:5e:00:00:0a');
const INTRUDER_MAC = mac('02:00:5e:00:00:66');
const IFACES: ResponderInterface[] = [
  { name: 'eth0', mac: OUR_MAC },
  { name: 'eth1', mac: OUR_MAC },
];
const OWNED: OwnedAddresses = new Map<string, AllowedInterfaces>([
  ['198.18.0.100', 'any'],
  ['198.18.0.101', new Set(['eth1'])],
  ['198.19.255.254', new Set(['eth0', 'eth1'])],
  ['2001:db8::100', 'any'],
  ['2001:db8::101', new Set(['eth1'])],
  ['fd00::1:ff00:100', new Set(['eth0'])],
]);
const TARGETS_V4 = ['198.18.0.100', '198.18.0.101', '198.19.255.254', '198.18.0.200', '198.18.0.10'];
// fd00::1:ff00:100 shares its solicited-node group with 2001:db8::100, like real colliding addresses do.
const TARGETS_V6 = ['2001:db8::100', '2001:db8::101', 'fd00::1:ff00:100', '2001:db8::200', 'fd00::100'];

function allowed(ipText: string, iface: string): boolean {
  const a = OWNED.get(ipText);
  return a !== undefined && (a === 'any' || a.has(iface));
}

interface Base {
  frame: Uint8Array;
  /** The interface names on which the unmutated frame must be answered. */
  answerOn: (iface: string) => boolean;
}

function arpRequest(senderIp: string, target: string, senderMac = CLIENT_MAC): Uint8Array {
  return buildArpFrame(
    { op: 'request', senderMac, senderIp: ip(senderIp), targetMac: ZERO_MAC, targetIp: ip(target) },
    BROADCAST_MAC,
  );
}

function solicitation(src: Address, target: string, withOption = true): Uint8Array {
  const t = ip(target);
  return buildNeighborSolicitation({
    srcMac: CLIENT_MAC,
    dstMac: ipv6MulticastMac(solicitedNodeMulticast(t)),
    src,
    dst: withOption ? solicitedNodeMulticast(t) : t, // without the option: a unicast NUD probe
    target: t,
    withSourceLinkLayer: withOption,
  });
}

function bases(): Base[] {
  const out: Base[] = [];
  for (const t of TARGETS_V4) {
    out.push({ frame: arpRequest('198.18.0.10', t), answerOn: (i) => allowed(t, i) });
    out.push({ frame: arpRequest('0.0.0.0', t), answerOn: (i) => allowed(t, i) });
    out.push({ frame: buildGratuitousArp(INTRUDER_MAC, ip(t), 'request'), answerOn: () => false });
    out.push({ frame: buildGratuitousArp(INTRUDER_MAC, ip(t), 'reply'), answerOn: () => false });
  }
  // Our own request looped back (a bridge, a promiscuous socket seeing its own transmissions).
  out.push({ frame: arpRequest('198.18.0.2', '198.18.0.100', OUR_MAC), answerOn: () => false });
  for (const t of TARGETS_V6) {
    out.push({ frame: solicitation(ip('2001:db8::10'), t), answerOn: (i) => allowed(t, i) });
    out.push({ frame: solicitation(ip('fd00::10'), t, false), answerOn: (i) => allowed(t, i) });
    out.push({ frame: solicitation(UNSPECIFIED_IPV6, t), answerOn: (i) => allowed(t, i) });
    out.push({
      frame: buildNeighborAdvertisement({
        srcMac: INTRUDER_MAC,
        dstMac: CLIENT_MAC,
        src: ip('fe80::66'),
        dst: ip('2001:db8::10'),
        target: ip(t),
        targetMac: INTRUDER_MAC,
        router: false,
        solicited: true,
        override: true,
      }),
      answerOn: () => false,
    });
  }
  return out;
}

/** RFC 1071 ICMPv6 checksum over the pseudo-header, written here independently of ndp.ts. */
function fixIcmpChecksum(f: Uint8Array): void {
  if (f.length < 14 + 44 || f[12] !== 0x86 || f[13] !== 0xdd) return;
  const len = Math.min(((f[18] ?? 0) << 8) | (f[19] ?? 0), f.length - 54);
  if (len < 4) return;
  f[56] = 0;
  f[57] = 0;
  let sum = len + 58;
  for (let i = 22; i < 54; i += 2) sum += ((f[i] ?? 0) << 8) | (f[i + 1] ?? 0);
  for (let i = 0; i < len; i += 2) sum += ((f[54 + i] ?? 0) << 8) | (i + 1 < len ? (f[55 + i] ?? 0) : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  f[56] = (~sum >> 8) & 0xff;
  f[57] = ~sum & 0xff;
}

function flip(f: Uint8Array, at: number, bit: number): void {
  f[at] = (f[at] ?? 0) ^ (1 << bit);
}

function mutate(frame: Uint8Array, rnd: () => number): Uint8Array {
  let f = frame.slice();
  const int = (n: number) => Math.floor(rnd() * n);
  const rounds = 1 + int(3);
  for (let r = 0; r < rounds; r++) {
    switch (int(10)) {
      case 0: // bit flip anywhere
        if (f.length) flip(f, int(f.length), int(8));
        break;
      case 1: // bit flip in the headers that decide things
        if (f.length) flip(f, int(Math.min(f.length, 80)), int(8));
        break;
      case 2: // random byte
        if (f.length) f[int(f.length)] = int(256);
        break;
      case 3: // truncation
        f = f.slice(0, int(f.length + 1));
        break;
      case 4: // trailing bytes (padding or garbage)
        f = new Uint8Array([...f, ...Array.from({ length: 1 + int(24) }, () => int(256))]);
        break;
      case 5: // random ARP opcode
        if (f.length >= 22) {
          f[20] = int(4) === 0 ? int(256) : 0;
          f[21] = int(4);
        }
        break;
      case 6: // IPv6 payload length
        if (f.length >= 20) {
          const len = int(3) === 0 ? int(65536) : Math.max(0, f.length - 54 + int(17) - 8);
          f[18] = len >> 8;
          f[19] = len & 0xff;
        }
        break;
      case 7: // VLAN tag inserted
        f = new Uint8Array([
          ...f.subarray(0, 12),
          ...(int(2) ? [0x81, 0x00] : [0x88, 0xa8]),
          0,
          int(256),
          ...f.subarray(12),
        ]);
        break;
      case 8: // a different target: owned on some interface, or not
        if (f.length >= 42 && f[12] === 0x08 && f[13] === 0x06) {
          const t = ip(TARGETS_V4[int(TARGETS_V4.length)] ?? '');
          new DataView(f.buffer, f.byteOffset).setUint32(38, Number(t.value));
        } else if (f.length >= 78) {
          const t = ip(TARGETS_V6[int(TARGETS_V6.length)] ?? '');
          const view = new DataView(f.buffer, f.byteOffset);
          view.setBigUint64(62, t.value >> 64n);
          view.setBigUint64(70, t.value & 0xffffffffffffffffn);
        }
        break;
      default: // a random ICMPv6 type / code / hop limit / next header
        if (f.length >= 56)
          f[[54, 55, 21, 20][int(4)] ?? 54] = int(4) ? int(256) : ([135, 136, 0, 255, 58][int(5)] ?? 0);
    }
  }
  // Most mutations would otherwise stop at the checksum; re-checksum half of them to reach the checks behind it.
  if (int(2)) fixIcmpChecksum(f);
  return f;
}

const u16 = (f: Uint8Array, i: number) => ((f[i] ?? 0) << 8) | (f[i + 1] ?? 0);
const slice = (f: Uint8Array, from: number, to: number) => f.subarray(from, to);
const isZero = (b: Uint8Array) => b.every((x) => x === 0);

/** Why `d` (a reply to `input` on `iface`) is wrong, or undefined when it is right. */
function checkReply(input: Uint8Array, iface: ResponderInterface, d: ResponderDecision): string | undefined {
  if (d.action !== 'reply') return undefined;
  const out = decodeEthernet(d.frame);
  if (!out.ok) return `reply does not decode: ${out.reason}`;
  if (!sameMac(out.frame.src, iface.mac)) return 'reply not from the interface MAC';
  const ethertype = u16(input, 12);
  if (ethertype === 0x0806) {
    if (input.length < 42 || u16(input, 20) !== 1) return 'replied to an ARP frame that is not a request';
    const target = slice(input, 38, 42);
    if (hex(target) === hex(slice(input, 28, 32))) return 'replied to a gratuitous ARP';
    const arp = decodeArp(out.frame.payload);
    if (!arp.ok || arp.packet.op !== 'reply') return 'reply is not an ARP reply';
    if (!sameMac(arp.packet.senderMac, iface.mac)) return 'ARP sender MAC is not ours';
    if (hex(slice(d.frame, 28, 32)) !== hex(target)) return 'ARP reply is for another IP than asked';
    if (!sameMac(out.frame.dst, slice(input, 22, 28))) return 'ARP reply not sent to the requester';
    if (!allowed(formatAddress(arp.packet.senderIp), iface.name)) return 'answered an IP not owned here';
    return formatAddress(d.ip) === formatAddress(arp.packet.senderIp) ? undefined : 'ip field disagrees';
  }
  if (ethertype === 0x86dd) {
    if (input.length < 78 || input[20] !== 58 || input[21] !== 255 || input[54] !== 135) {
      return 'replied to an IPv6 frame that is not an NS';
    }
    const ndp = decodeNdp(out.frame.payload);
    if (!ndp.ok || ndp.message.type !== 'advertisement') return 'reply is not a valid NA';
    const na = ndp.message;
    if (!na.targetMac || !sameMac(na.targetMac, iface.mac)) return 'NA target link-layer address is not ours';
    if (hex(slice(d.frame, 62, 78)) !== hex(slice(input, 62, 78)))
      return 'NA is for another target than asked';
    if (!allowed(formatAddress(na.target), iface.name)) return 'answered an IP not owned here';
    const dad = isZero(slice(input, 22, 38));
    const wantDst = dad ? 'ff020000000000000000000000000001' : hex(slice(input, 22, 38));
    if (hex(slice(d.frame, 38, 54)) !== wantDst) return 'NA sent to the wrong address';
    if (na.solicited === dad || !na.override || na.router) return 'NA flags wrong';
    return formatAddress(d.ip) === formatAddress(na.target) ? undefined : 'ip field disagrees';
  }
  return 'replied to something neither ARP nor IPv6';
}

describe('responder fuzz', () => {
  it(`survives ${ITERATIONS} random and mutated frames and only answers owned requests`, () => {
    const rnd = mulberry32(SEED);
    const int = (n: number) => Math.floor(rnd() * n);
    const all = bases();
    const reasons = new Set<string>(RESPONDER_DROP_REASONS);
    const seen = new Map<string, number>();
    const failures: string[] = [];
    let replies = 0;
    let conflicts = 0;
    const started = performance.now();

    for (let n = 0; n < ITERATIONS && failures.length < 5; n++) {
      const iface = IFACES[int(IFACES.length)] ?? (IFACES[0] as ResponderInterface);
      const pick = rnd();
      const base = all[int(all.length)] as Base;
      let frame: Uint8Array;
      if (pick < 0.1) {
        frame = Uint8Array.from({ length: int(100) }, () => int(256));
        if (frame.length >= 14 && int(2)) frame.set(int(2) ? [0x08, 0x06] : [0x86, 0xdd], 12);
      } else if (pick < 0.2) {
        frame = base.frame;
      } else {
        frame = mutate(base.frame, rnd);
      }

      let d: ResponderDecision;
      try {
        d = decide(frame, { iface, owned: OWNED, ourMacs: [mac('02:b1:b1:00:00:02')] });
      } catch (err) {
        failures.push(`#${n} threw ${String(err)} on ${hex(frame)}`);
        continue;
      }
      if (d.conflict) conflicts++;
      const key = d.action === 'reply' ? `reply:${d.kind}` : d.reason;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (d.action === 'drop' && !reasons.has(d.reason)) failures.push(`#${n} unknown reason ${d.reason}`);
      const wrong = checkReply(frame, iface, d);
      if (wrong) failures.push(`#${n} on ${iface.name}: ${wrong}: ${hex(frame)}`);
      if (frame === base.frame && (d.action === 'reply') !== base.answerOn(iface.name)) {
        failures.push(
          `#${n} on ${iface.name}: unmutated base ${key}, want reply=${base.answerOn(iface.name)}`,
        );
      }
      if (d.action === 'reply') replies++;
    }

    const seconds = (performance.now() - started) / 1000;
    console.info(
      `fuzz: ${ITERATIONS} frames in ${seconds.toFixed(1)} s, ${replies} replies, ${conflicts} conflicts`,
      Object.fromEntries([...seen].sort((a, b) => b[1] - a[1])),
    );
    expect(failures).toEqual([]);
    // The fuzz must reach deep: plenty of replies of every kind, and most of the reasons.
    expect(replies).toBeGreaterThan(ITERATIONS / 50);
    for (const kind of ['reply:arp-reply', 'reply:neighbor-advertisement', 'reply:dad-defense']) {
      expect(seen.get(kind) ?? 0).toBeGreaterThan(1000);
    }
    expect(conflicts).toBeGreaterThan(1000);
    expect([...seen.keys()].filter((k) => reasons.has(k)).length).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
