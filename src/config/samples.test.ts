import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseAddress } from '../net/address.js';
import { type AddressRange, parseRange, rangeContains } from '../net/range.js';
import { buildConfig } from './build-config.js';
import { formatConfigError } from './config-error.js';
import { API_VERSION, IP_ADDRESS_POOL, L2_ADVERTISEMENT } from './crd-types.js';

const SAMPLES_DIR = new URL('../../config/samples/', import.meta.url);
const files = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');

/** The fields of sample objects these tests look at. */
interface SampleObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { ports?: { port: number }[] };
}

function objectsOf(file: string): SampleObject[] {
  return parseAllDocuments(readFileSync(new URL(file, SAMPLES_DIR), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as SampleObject;
  });
}

// Docs and samples only use addresses reserved for documentation and benchmarking, never anyone's real ones.
const ALLOWED = ['198.18.0.0/15', 'fd00::/8', '2001:db8::/32'].map((t) => {
  const p = parseRange(t);
  if (!p.ok) throw new Error(t);
  return p.range;
});
const allowed = (r: AddressRange) =>
  ALLOWED.some(
    (a) =>
      rangeContains(a, { family: r.family, value: r.first }) &&
      rangeContains(a, { family: r.family, value: r.last }),
  );

it('has the samples the docs point at', () => {
  expect(files.sort()).toEqual([
    'dual-stack.yaml',
    'homelab.yaml',
    'namespace-pinned.yaml',
    'shared-ip.yaml',
  ]);
});

describe.each(files)('sample %s', (file) => {
  const objects = objectsOf(file);
  const ours = (kind: string) => objects.filter((o) => o.apiVersion === API_VERSION && o.kind === kind);
  const pools = ours(IP_ADDRESS_POOL.kind);
  const ads = ours(L2_ADVERTISEMENT.kind);

  it('builds a Config with no errors or warnings, every pool announced', () => {
    const config = buildConfig(pools, ads);
    expect(config.errors.map(formatConfigError)).toEqual([]);
    expect(config.pools.size).toBe(pools.length);
    expect(config.pools.size).toBeGreaterThan(0);
    expect(config.l2Advertisements.length).toBeGreaterThan(0);
  });

  it('lives in barelb-system', () => {
    for (const o of [...pools, ...ads]) expect(o.metadata?.namespace, o.metadata?.name).toBe('barelb-system');
  });

  it('uses documentation addresses only', () => {
    const config = buildConfig(pools, ads);
    for (const pool of config.pools.values())
      for (const r of pool.ranges) expect(allowed(r), pool.name).toBe(true);
    for (const o of objects) {
      const ips: string = o.metadata?.annotations?.['barelb.io/loadBalancerIPs'] ?? '';
      for (const ip of ips.split(',').filter((s) => s !== '')) {
        const a = parseAddress(ip);
        expect(a && allowed({ family: a.family, first: a.value, last: a.value }), ip).toBe(true);
      }
    }
  });
});

it('shared-ip.yaml has two Services sharing one key and IP on different ports', () => {
  const services = objectsOf('shared-ip.yaml').filter((o) => o.kind === 'Service');
  expect(services).toHaveLength(2);
  const annotation = (key: string) => new Set(services.map((s) => s.metadata?.annotations?.[key]));
  const keys = annotation('barelb.io/allow-shared-ip');
  const ips = annotation('barelb.io/loadBalancerIPs');
  expect([...keys]).toEqual(['git']);
  expect([...ips]).toEqual(['198.18.130.5']);
  const ports = services.flatMap((s) => (s.spec?.ports ?? []).map((p) => p.port));
  expect(ports).toHaveLength(2);
  expect(new Set(ports).size).toBe(ports.length);
});
