import { describe, expect, it } from 'vitest';
import { parseBfdProfile } from './parse-bfd-profile.js';

const profile = (spec: Record<string, unknown> | undefined) => ({ metadata: { name: 'fast' }, spec });

describe('parseBfdProfile', () => {
  it.each([
    {
      name: 'no spec: MetalLB and bfdd defaults',
      spec: undefined,
      want: {
        receiveIntervalMs: 300,
        transmitIntervalMs: 300,
        detectMultiplier: 3,
        echoIntervalMs: 50,
        echoMode: false,
        passiveMode: false,
        minimumTtl: 254,
      },
    },
    {
      name: '100 ms x 3, as bench:bgp runs it',
      spec: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3, passiveMode: true },
      want: { receiveIntervalMs: 100, transmitIntervalMs: 100, detectMultiplier: 3, passiveMode: true },
    },
    {
      name: 'the bounds themselves',
      spec: { receiveInterval: 10, transmitInterval: 60000, detectMultiplier: 255, minimumTtl: 1 },
      want: { receiveIntervalMs: 10, transmitIntervalMs: 60_000, detectMultiplier: 255, minimumTtl: 1 },
    },
  ])('$name', ({ spec, want }) => {
    const r = parseBfdProfile(profile(spec));
    expect(r.errors).toEqual([]);
    expect(r.profile).toMatchObject(want);
  });

  it.each([
    { spec: { receiveInterval: 9 }, path: 'spec.receiveInterval' },
    { spec: { transmitInterval: 60001 }, path: 'spec.transmitInterval' },
    { spec: { echoInterval: 1.5 }, path: 'spec.echoInterval' },
    { spec: { detectMultiplier: 1 }, path: 'spec.detectMultiplier' },
    { spec: { minimumTtl: 255 }, path: 'spec.minimumTtl' },
    { spec: { echoMode: 'yes' }, path: 'spec.echoMode' },
  ])('refuses $path in $spec', ({ spec, path }) => {
    const r = parseBfdProfile(profile(spec));
    expect(r.profile).toBeUndefined();
    expect(r.errors.map((e) => e.path)).toEqual([path]);
  });
});
