import type { V1Service } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pools } from '../allocator/fixtures.test-support.js';
import { Allocator } from '../allocator/index.js';
import type { PoolConfig } from '../config/types.js';
import { reconcileService } from './reconcile-service.js';
import { DEFAULT_LB_CLASS, statusIps } from './service-class.js';

// Issue 18's invariant, as a property: the allocator plus the controller's release-and-write order
// (decide in memory, write later, confirm on success) never lets the API show one address on two
// Services that may not share it, whatever the interleaving of config changes, reconciles, stale
// caches, write completions and deletions. The API here is a model with resourceVersion
// preconditions; the allocator and reconcile are the real ones.

const CONFIGS: PoolConfig[][] = [
  pools(['a', { addresses: ['198.18.0.0/29'] }]),
  pools(['b', { addresses: ['198.18.0.0/29'] }]), // "renamed"
  pools(['a', { addresses: ['198.18.0.0/30'] }]), // shrunk
  pools(['wide', { addresses: ['198.18.0.0/28'] }]), // replaced by an overlapping, wider pool
  pools(['a', { addresses: ['198.18.0.4/30'] }], ['b', { addresses: ['198.18.0.0/30'] }]),
  [], // deleted
];

interface Described {
  readonly sharing?: string;
  readonly wants?: string;
  readonly port: number;
}
const SERVICES: Described[] = [
  { port: 80 },
  { port: 80 },
  { port: 80, wants: '198.18.0.1' },
  { port: 80, wants: '198.18.0.1' },
  { port: 80, sharing: 'k' },
  { port: 443, sharing: 'k' },
  { port: 80 },
  { port: 80 },
];

function service(i: number, rv: number, ingress: string[], annotations: Record<string, string>): V1Service {
  const d = SERVICES[i] as Described;
  const ann: Record<string, string> = { ...annotations };
  if (d.sharing) ann['barelb.io/allow-shared-ip'] = d.sharing;
  if (d.wants) ann['barelb.io/loadBalancerIPs'] = d.wants;
  return {
    metadata: { name: `s${i}`, namespace: 'default', resourceVersion: String(rv), annotations: ann },
    spec: { type: 'LoadBalancer', ports: [{ port: d.port, protocol: 'TCP' }], selector: { app: `s${i}` } },
    status: { loadBalancer: { ingress: ingress.map((ip) => ({ ip, ipMode: 'VIP' })) } },
  };
}

type Op =
  | { kind: 'config'; config: number }
  | { kind: 'reconcile'; svc: number }
  | { kind: 'complete'; pick: number }
  | { kind: 'sync'; svc: number }
  | { kind: 'delete'; svc: number }
  | { kind: 'create'; svc: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('config' as const), config: fc.nat(CONFIGS.length - 1) }),
  fc.record({ kind: fc.constant('reconcile' as const), svc: fc.nat(SERVICES.length - 1) }),
  fc.record({ kind: fc.constant('reconcile' as const), svc: fc.nat(SERVICES.length - 1) }),
  fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(7) }),
  fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(7) }),
  fc.record({ kind: fc.constant('sync' as const), svc: fc.nat(SERVICES.length - 1) }),
  fc.record({ kind: fc.constant('delete' as const), svc: fc.nat(SERVICES.length - 1) }),
  fc.record({ kind: fc.constant('create' as const), svc: fc.nat(SERVICES.length - 1) }),
);

interface InFlight {
  readonly svc: number;
  readonly rv: string;
  readonly ingress: string[];
  readonly annotations: Record<string, string | null>;
  readonly mark: number;
}

/** Every address the API shows on two Services that may not share it. */
function doubleHolders(api: Map<number, V1Service>): string[] {
  const seen = new Map<string, number>();
  const bad: string[] = [];
  for (const [i, s] of api) {
    for (const ip of statusIps(s)) {
      const j = seen.get(ip);
      const a = SERVICES[i] as Described;
      const b = j === undefined ? undefined : (SERVICES[j] as Described);
      if (b && !(a.sharing && a.sharing === b.sharing && a.port !== b.port))
        bad.push(`${ip}: s${j} and s${i}`);
      seen.set(ip, i);
    }
  }
  return bad;
}

function run(ops: readonly Op[]): void {
  let rv = 1;
  const api = new Map<number, V1Service>(); // what the API server holds
  const cache = new Map<number, V1Service>(); // what the controller's informer last delivered
  for (let i = 0; i < SERVICES.length; i++) {
    api.set(i, service(i, rv, [], {}));
    cache.set(i, api.get(i) as V1Service);
  }
  const alloc = new Allocator();
  alloc.setPools(CONFIGS[0] as PoolConfig[]);
  const inFlight: InFlight[] = [];
  for (const o of ops) {
    if (o.kind === 'config') {
      alloc.setPools(CONFIGS[o.config] as PoolConfig[]);
    } else if (o.kind === 'reconcile') {
      // The workqueue never runs a key twice at once: a key with a write in flight waits.
      if (inFlight.some((w) => w.svc === o.svc)) continue;
      const svc = cache.get(o.svc);
      const key = `default/s${o.svc}`;
      const plan = reconcileService(alloc, { key, svc, lbClass: DEFAULT_LB_CLASS, namespaceLabels: {} });
      const mark = alloc.mark();
      if (plan.write && svc) {
        inFlight.push({
          svc: o.svc,
          rv: svc.metadata?.resourceVersion ?? '',
          ingress: plan.write.ingress.map((i) => i.ip ?? ''),
          annotations: { ...plan.write.annotations },
          mark,
        });
      }
    } else if (o.kind === 'complete') {
      const w = inFlight.splice(o.pick % Math.max(1, inFlight.length), 1)[0];
      if (!w) continue;
      const current = api.get(w.svc);
      if (!current || current.metadata?.resourceVersion !== w.rv) continue; // 404 or 409
      const ann = { ...current.metadata?.annotations } as Record<string, string>;
      for (const [k, v] of Object.entries(w.annotations)) {
        if (v === null) delete ann[k];
        else ann[k] = v;
      }
      rv++;
      api.set(w.svc, service(w.svc, rv, w.ingress, ann));
      expect(doubleHolders(api)).toEqual([]);
      alloc.confirmReleased(`default/s${w.svc}`, w.mark);
    } else if (o.kind === 'sync') {
      const s = api.get(o.svc);
      if (s) cache.set(o.svc, s);
      else cache.delete(o.svc);
    } else if (o.kind === 'delete') {
      api.delete(o.svc);
    } else if (!api.has(o.svc)) {
      rv++;
      api.set(o.svc, service(o.svc, rv, [], {}));
    }
  }
}

describe('allocation integrity (property)', () => {
  it('no address is ever shown on two Services that may not share it', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 300 }), (ops) => run(ops)),
      {
        numRuns: 400,
      },
    );
  });

  it('the reported interleaving from the lab: a release written after the next holder’s write', () => {
    // s0 holds .0 in pool a; a is renamed to b with s0 dropped in between; s1 is decided while s0's
    // clearing write is still in flight, and s1's write lands first.
    const ops: Op[] = [
      { kind: 'reconcile', svc: 0 },
      { kind: 'complete', pick: 0 },
      { kind: 'sync', svc: 0 },
      { kind: 'config', config: 5 },
      { kind: 'reconcile', svc: 0 },
      { kind: 'config', config: 1 },
      { kind: 'reconcile', svc: 1 },
      { kind: 'complete', pick: 1 },
      { kind: 'complete', pick: 0 },
    ];
    run(ops);
  });
});
