import { parseAddress } from '../net/address.js';
import type { BgpPeerConfig } from './bgp-types.js';
import { ConfigErrorReason, type ErrorSink } from './config-error.js';
import { isAbsent, readBoolean, readInteger, readObject, readString, show } from './fields.js';
import { parseGoDuration } from './go-duration.js';
import { dns1123LabelProblem, dns1123SubdomainProblem } from './k8s-names.js';
import { readObjectSpec } from './object-head.js';
import { parseLabelSelectors } from './parse-label-selector.js';
import type { ConfigError } from './types.js';

export interface BgpPeerParse {
  readonly name: string;
  /** Undefined when there is any error: a session half configured is worse than none. */
  readonly peer: BgpPeerConfig | undefined;
  readonly errors: readonly ConfigError[];
}

const MAX_U32 = 0xffff_ffff;
/** MetalLB's bound for peerPort, kept so a migrated object means the same. */
const MAX_PEER_PORT = 16_384;
/** RFC 4271 §4.2: a hold time is 0 or at least 3 s, in a 16-bit count of seconds. */
const MIN_HOLD_MS = 3_000;
const MAX_TIMER_MS = 65_535_000;
const DEFAULT_HOLD_MS = 90_000;

/** Validates one BGPPeer on its own; whether its BFD profile exists is checked in buildBgpConfig. */
export function parseBgpPeer(raw: unknown): BgpPeerParse {
  const { name, sink, spec: s, errors } = readObjectSpec(raw, 'BGPPeer');
  if (!s) return { name, peer: undefined, errors };

  const myAsn = readInteger(s.myASN, 'spec.myASN', 1, MAX_U32, sink);
  if (isAbsent(s.myASN)) sink.add('spec.myASN', ConfigErrorReason.InvalidField, 'myASN is required');
  const peerAsn = readInteger(s.peerASN, 'spec.peerASN', 0, MAX_U32, sink) || undefined;
  const dynamicAsn = readDynamicAsn(s.dynamicASN, sink);
  if (peerAsn !== undefined && dynamicAsn !== undefined)
    sink.add('spec.dynamicASN', ConfigErrorReason.InvalidField, 'set peerASN or dynamicASN, not both');
  // peerASN 0 means unset, as in MetalLB (its field is a plain uint32).
  if ((isAbsent(s.peerASN) || s.peerASN === 0) && isAbsent(s.dynamicASN))
    sink.add('spec.peerASN', ConfigErrorReason.InvalidField, 'peerASN (or dynamicASN) is required');

  const peerAddress = readAddress(s.peerAddress, 'spec.peerAddress', sink);
  if (isAbsent(s.peerAddress))
    sink.add('spec.peerAddress', ConfigErrorReason.InvalidField, 'peerAddress is required');
  const sourceAddress = readAddress(s.sourceAddress, 'spec.sourceAddress', sink);
  if (peerAddress && sourceAddress && peerAddress.family !== sourceAddress.family)
    sink.add(
      'spec.sourceAddress',
      ConfigErrorReason.InvalidField,
      `${sourceAddress.text} is ${sourceAddress.family} and peerAddress ${peerAddress.text} is ${peerAddress.family}`,
    );
  const routerId = readAddress(s.routerID, 'spec.routerID', sink);
  if (routerId && routerId.family !== 'IPv4')
    sink.add('spec.routerID', ConfigErrorReason.InvalidField, 'a BGP identifier is an IPv4 address');

  const holdTimeMs = readTimer(s.holdTime, 'spec.holdTime', sink) ?? DEFAULT_HOLD_MS;
  if (holdTimeMs !== 0 && holdTimeMs < MIN_HOLD_MS)
    sink.add('spec.holdTime', ConfigErrorReason.InvalidField, 'a hold time is 0 (none) or at least 3s');
  // keepaliveTime 0s means "unset" (a third of the hold time), as MetalLB reads it: its own sample
  // BGPPeer with a Secret writes `holdTime: 9m0s, keepaliveTime: 0s`.
  const keepaliveWritten = readTimer(s.keepaliveTime, 'spec.keepaliveTime', sink) || undefined;
  const keepaliveTimeMs = keepaliveWritten ?? Math.floor(holdTimeMs / 3_000) * 1_000;
  if (keepaliveTimeMs > holdTimeMs)
    sink.add(
      'spec.keepaliveTime',
      ConfigErrorReason.InvalidField,
      `keepaliveTime must be above 0 and at most holdTime (${holdTimeMs / 1_000}s)`,
    );
  const connectTimeMs = readTimer(s.connectTime, 'spec.connectTime', sink);
  if (connectTimeMs !== undefined && connectTimeMs < 1_000)
    sink.add('spec.connectTime', ConfigErrorReason.InvalidField, 'connectTime is at least 1s');

  const password = readString(s.password, 'spec.password', sink) || undefined;
  const passwordSecret = readSecretRef(s.passwordSecret, sink);
  if (password !== undefined && passwordSecret !== undefined)
    sink.add(
      'spec.passwordSecret',
      ConfigErrorReason.InvalidField,
      'set password or passwordSecret, not both',
    );
  if (password !== undefined && Buffer.byteLength(password, 'utf8') > 80)
    sink.add('spec.password', ConfigErrorReason.InvalidField, 'a TCP MD5 key is at most 80 bytes (Linux)');

  const bfdProfile = readString(s.bfdProfile, 'spec.bfdProfile', sink) || undefined;
  if (bfdProfile !== undefined) nameProblem(bfdProfile, 'spec.bfdProfile', sink);
  const ebgpMultiHop = readBoolean(s.ebgpMultiHop, 'spec.ebgpMultiHop', false, sink);
  const internal = dynamicAsn === 'internal' || (peerAsn !== undefined && peerAsn === myAsn);
  if (ebgpMultiHop && internal)
    sink.add(
      'spec.ebgpMultiHop',
      ConfigErrorReason.InvalidField,
      'ebgpMultiHop is for eBGP; this peer is iBGP (peerASN equals myASN), which is multi-hop already',
    );
  // MetalLB's FRR mode has these; BareLB does not, and a setting silently ignored would route wrong.
  for (const field of ['vrf', 'interface'] as const) {
    const v = readString(s[field], `spec.${field}`, sink);
    if (v)
      sink.add(
        `spec.${field}`,
        ConfigErrorReason.Unsupported,
        field === 'vrf'
          ? 'BareLB peers from the default VRF only; remove vrf or peer from the default VRF'
          : 'BGP unnumbered (peering over an interface) is not supported; give peerAddress instead',
      );
  }
  // disableMP (deprecated in MetalLB) asks for one family per session, which is the default here.
  readBoolean(s.disableMP, 'spec.disableMP', false, sink);

  const peer: BgpPeerConfig | undefined =
    myAsn !== undefined && peerAddress !== undefined
      ? {
          name,
          myAsn,
          peerAsn,
          dynamicAsn,
          peerAddress: peerAddress.text,
          peerPort: readInteger(s.peerPort, 'spec.peerPort', 1, MAX_PEER_PORT, sink) ?? 179,
          sourceAddress: sourceAddress?.text,
          holdTimeMs,
          keepaliveTimeMs,
          connectTimeMs,
          routerId: routerId?.text,
          nodeSelectors: parseLabelSelectors(s.nodeSelectors, 'spec.nodeSelectors', sink),
          password,
          passwordSecret,
          bfdProfile,
          enableGracefulRestart: readBoolean(
            s.enableGracefulRestart,
            'spec.enableGracefulRestart',
            false,
            sink,
          ),
          ebgpMultiHop,
          dualStackAddressFamily: readBoolean(
            s.dualStackAddressFamily,
            'spec.dualStackAddressFamily',
            false,
            sink,
          ),
        }
      : undefined;
  return { name, peer: errors.length === 0 ? peer : undefined, errors };
}

function readDynamicAsn(v: unknown, sink: ErrorSink): 'internal' | 'external' | undefined {
  if (isAbsent(v)) return undefined;
  if (v === 'internal' || v === 'external') return v;
  sink.add('spec.dynamicASN', ConfigErrorReason.InvalidField, `want internal or external, got ${show(v)}`);
  return undefined;
}

function readAddress(v: unknown, path: string, sink: ErrorSink) {
  const text = readString(v, path, sink);
  if (text === undefined || text === '') return undefined;
  const a = parseAddress(text);
  // parseAddress trims; an address with spaces around it is refused rather than silently fixed.
  if (!a || text.trim() !== text) {
    sink.add(path, ConfigErrorReason.BadAddress, `${show(text)} is not an IP address`);
    return undefined;
  }
  return { family: a.family, text };
}

/** A Go duration in whole seconds up to 65535s, as BGP timers are on the wire. */
function readTimer(v: unknown, path: string, sink: ErrorSink): number | undefined {
  const text = readString(v, path, sink);
  if (text === undefined) return undefined;
  const d = parseGoDuration(text);
  if (!d.ok) {
    sink.add(path, ConfigErrorReason.InvalidField, d.reason);
    return undefined;
  }
  if (d.ms % 1_000 !== 0 || d.ms > MAX_TIMER_MS) {
    sink.add(path, ConfigErrorReason.InvalidField, `${text}: BGP timers are whole seconds up to 65535s`);
    return undefined;
  }
  return d.ms;
}

function readSecretRef(v: unknown, sink: ErrorSink): BgpPeerConfig['passwordSecret'] {
  if (isAbsent(v)) return undefined;
  const o = readObject(v, 'spec.passwordSecret', sink);
  if (!o) return undefined;
  const name = readString(o.name, 'spec.passwordSecret.name', sink);
  if (!name) {
    sink.add('spec.passwordSecret.name', ConfigErrorReason.InvalidField, 'the Secret name is required');
    return undefined;
  }
  nameProblem(name, 'spec.passwordSecret.name', sink);
  const namespace = readString(o.namespace, 'spec.passwordSecret.namespace', sink) || undefined;
  if (namespace !== undefined) {
    const p = dns1123LabelProblem(namespace);
    if (p) sink.add('spec.passwordSecret.namespace', ConfigErrorReason.InvalidField, p);
  }
  return { name, namespace };
}

function nameProblem(name: string, path: string, sink: ErrorSink): void {
  const p = dns1123SubdomainProblem(name);
  if (p) sink.add(path, ConfigErrorReason.InvalidField, p);
}
