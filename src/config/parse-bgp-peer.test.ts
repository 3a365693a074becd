import { describe, expect, it } from 'vitest';
import { parseBgpPeer } from './parse-bgp-peer.js';

const peer = (spec: Record<string, unknown>) => ({
  apiVersion: 'barelb.io/v1alpha1',
  kind: 'BGPPeer',
  metadata: { name: 'router' },
  spec,
});
const base = { myASN: 64512, peerASN: 64513, peerAddress: '198.18.0.240' };

describe('parseBgpPeer: accepted', () => {
  it.each([
    {
      name: 'minimal eBGP: MetalLB defaults (hold 90 s, keepalive a third, port 179)',
      spec: base,
      want: {
        myAsn: 64512,
        peerAsn: 64513,
        dynamicAsn: undefined,
        peerAddress: '198.18.0.240',
        peerPort: 179,
        holdTimeMs: 90_000,
        keepaliveTimeMs: 30_000,
        connectTimeMs: undefined,
        enableGracefulRestart: false,
        ebgpMultiHop: false,
      },
    },
    {
      name: 'timers as Go durations',
      spec: { ...base, holdTime: '9s', keepaliveTime: '3s', connectTime: '1m' },
      want: { holdTimeMs: 9_000, keepaliveTimeMs: 3_000, connectTimeMs: 60_000 },
    },
    {
      name: 'keepaliveTime 0s is unset: a third of the hold time (MetalLB sample bgppeer_withsecret)',
      spec: { ...base, holdTime: '9m0s', keepaliveTime: '0s' },
      want: { holdTimeMs: 540_000, keepaliveTimeMs: 180_000 },
    },
    {
      name: 'hold time 0 turns keepalives off',
      spec: { ...base, holdTime: '0s' },
      want: { holdTimeMs: 0, keepaliveTimeMs: 0 },
    },
    {
      name: '4-byte ASNs, IPv6 peer and source',
      spec: {
        myASN: 4200000000,
        peerASN: 4294967295,
        peerAddress: '2001:db8::1',
        sourceAddress: '2001:db8::2',
      },
      want: {
        myAsn: 4200000000,
        peerAsn: 4294967295,
        peerAddress: '2001:db8::1',
        sourceAddress: '2001:db8::2',
      },
    },
    {
      name: 'dynamic ASN, peerASN 0 meaning unset',
      spec: { myASN: 64512, peerASN: 0, dynamicASN: 'external', peerAddress: '198.18.0.240' },
      want: { peerAsn: undefined, dynamicAsn: 'external' },
    },
    {
      name: 'password from a Secret, BFD profile, graceful restart, multi-hop, node selector',
      spec: {
        ...base,
        passwordSecret: { name: 'bgp-auth', namespace: 'barelb-system' },
        bfdProfile: 'fast',
        enableGracefulRestart: true,
        ebgpMultiHop: true,
        routerID: '198.18.0.1',
        nodeSelectors: [{ matchLabels: { rack: 'a' } }],
      },
      want: {
        passwordSecret: { name: 'bgp-auth', namespace: 'barelb-system' },
        bfdProfile: 'fast',
        enableGracefulRestart: true,
        ebgpMultiHop: true,
        routerId: '198.18.0.1',
        nodeSelectors: [{ matchLabels: { rack: 'a' } }],
      },
    },
  ])('$name', ({ spec, want }) => {
    const r = parseBgpPeer(peer(spec));
    expect(r.errors).toEqual([]);
    expect(r.peer).toMatchObject(want);
  });
});

describe('parseBgpPeer: refused, with the field and why', () => {
  it.each([
    {
      name: 'no myASN',
      spec: { peerASN: 1, peerAddress: '198.18.0.240' },
      path: 'spec.myASN',
      msg: /required/,
    },
    { name: 'myASN 0', spec: { ...base, myASN: 0 }, path: 'spec.myASN', msg: /outside 1\.\.4294967295/ },
    { name: 'ASN too large', spec: { ...base, peerASN: 4294967296 }, path: 'spec.peerASN', msg: /outside/ },
    {
      name: 'no peer ASN at all',
      spec: { myASN: 1, peerAddress: '198.18.0.240' },
      path: 'spec.peerASN',
      msg: /required/,
    },
    {
      name: 'both ASN kinds',
      spec: { ...base, dynamicASN: 'internal' },
      path: 'spec.dynamicASN',
      msg: /not both/,
    },
    {
      name: 'bad dynamic ASN',
      spec: { ...base, peerASN: 0, dynamicASN: 'ebgp' },
      path: 'spec.dynamicASN',
      msg: /internal or external/,
    },
    { name: 'no peer address', spec: { myASN: 1, peerASN: 2 }, path: 'spec.peerAddress', msg: /required/ },
    {
      name: 'peer address a name',
      spec: { ...base, peerAddress: 'router.lan' },
      path: 'spec.peerAddress',
      msg: /not an IP address/,
    },
    {
      name: 'peer address a CIDR',
      spec: { ...base, peerAddress: '198.18.0.0/24' },
      path: 'spec.peerAddress',
      msg: /not an IP address/,
    },
    {
      name: 'source of the other family',
      spec: { ...base, sourceAddress: '2001:db8::2' },
      path: 'spec.sourceAddress',
      msg: /IPv6 and peerAddress/,
    },
    {
      name: 'IPv6 router ID',
      spec: { ...base, routerID: '2001:db8::1' },
      path: 'spec.routerID',
      msg: /IPv4/,
    },
    { name: 'hold time 2 s', spec: { ...base, holdTime: '2s' }, path: 'spec.holdTime', msg: /at least 3s/ },
    {
      name: 'hold time in ms',
      spec: { ...base, holdTime: '3500ms' },
      path: 'spec.holdTime',
      msg: /whole seconds/,
    },
    {
      name: 'hold time not a duration',
      spec: { ...base, holdTime: '90' },
      path: 'spec.holdTime',
      msg: /not a duration/,
    },
    {
      name: 'keepalive above hold',
      spec: { ...base, holdTime: '9s', keepaliveTime: '10s' },
      path: 'spec.keepaliveTime',
      msg: /at most holdTime \(9s\)/,
    },
    {
      name: 'connect time under 1 s',
      spec: { ...base, connectTime: '0s' },
      path: 'spec.connectTime',
      msg: /at least 1s/,
    },
    {
      name: 'port out of range',
      spec: { ...base, peerPort: 16385 },
      path: 'spec.peerPort',
      msg: /outside 1\.\.16384/,
    },
    {
      name: 'both passwords',
      spec: { ...base, password: 'x', passwordSecret: { name: 's' } },
      path: 'spec.passwordSecret',
      msg: /not both/,
    },
    {
      name: 'secret without a name',
      spec: { ...base, passwordSecret: {} },
      path: 'spec.passwordSecret.name',
      msg: /required/,
    },
    {
      name: 'password too long',
      spec: { ...base, password: 'x'.repeat(81) },
      path: 'spec.password',
      msg: /80 bytes/,
    },
    {
      name: 'password of 41 characters but 82 bytes (UTF-8)',
      spec: { ...base, password: 'é'.repeat(41) },
      path: 'spec.password',
      msg: /80 bytes/,
    },
    {
      name: 'multi-hop on iBGP',
      spec: { ...base, peerASN: 64512, ebgpMultiHop: true },
      path: 'spec.ebgpMultiHop',
      msg: /iBGP/,
    },
    {
      name: 'a VRF',
      spec: { ...base, vrf: 'red' },
      path: 'spec.vrf',
      msg: /default VRF/,
      reason: 'Unsupported',
    },
    {
      name: 'unnumbered',
      spec: { ...base, interface: 'eth0' },
      path: 'spec.interface',
      msg: /unnumbered/,
      reason: 'Unsupported',
    },
    {
      name: 'bad BFD profile name',
      spec: { ...base, bfdProfile: 'Fast!' },
      path: 'spec.bfdProfile',
      msg: /./,
    },
    {
      name: 'bad node selector',
      spec: { ...base, nodeSelectors: [{ matchLabels: { 'a b': 'c' } }] },
      path: 'spec.nodeSelectors[0].matchLabels',
      msg: /./,
      reason: 'BadSelector',
    },
  ])('$name: $path', ({ spec, path, msg, reason }) => {
    const r = parseBgpPeer(peer(spec));
    expect(r.peer).toBeUndefined();
    const e = r.errors.find((x) => x.path === path);
    expect(e, JSON.stringify(r.errors)).toBeDefined();
    expect(e?.message).toMatch(msg);
    expect(e?.kind).toBe('BGPPeer');
    expect(e?.name).toBe('router');
    if (reason) expect(e?.reason).toBe(reason);
  });
});
