/**
 * npm run bench:allocator — time per allocation and per release with 1k, 10k and 100k Services in
 * use, for an IPv4 /12 pool and an IPv6 /64 pool, and the heap the allocator holds at 100k.
 * Target: < 20 µs per allocation at 100k in use, < 200 MB heap.
 */
import { Allocator, serviceRequestFrom } from '../src/allocator/index.js';
import { buildConfig } from '../src/config/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function run(family: 'IPv4' | 'IPv6', cidr: string): void {
  const config = buildConfig([{ metadata: { name: 'bench' }, spec: { addresses: [cidr] } }], []);
  const req = (i: number) =>
    serviceRequestFrom(
      {
        metadata: { name: `s${i}`, namespace: 'bench' },
        spec: { ipFamilies: [family], ports: [{ port: 80, protocol: 'TCP' }] },
      },
      {},
    );
  const heapBefore = heapMiB();
  const a = new Allocator();
  a.setPools([...config.pools.values()]);
  let inUse = 0;
  const sample = 2_000;
  for (const target of [1_000, 10_000, 100_000]) {
    while (inUse < target) {
      const r = a.allocate(req(inUse));
      if (!r.ok) throw new Error(r.message);
      inUse++;
    }
    // Measure allocations of fresh Services at this fill level, then release them again; release
    // every other one of the measured set first so releases punch holes mid-pool (the costly case).
    const reqs = Array.from({ length: sample }, (_, i) => req(1_000_000 + i));
    const t0 = performance.now();
    for (const r of reqs) a.allocate(r);
    const t1 = performance.now();
    // A release is two steps in the controller: decided (quarantined), then confirmed by its write.
    for (let i = 0; i < sample; i++) {
      a.release(`bench/s${1_000_000 + i}`);
      a.confirmReleased(`bench/s${1_000_000 + i}`);
    }
    const t2 = performance.now();
    const alloc = ((t1 - t0) * 1000) / sample;
    const release = ((t2 - t1) * 1000) / sample;
    console.log(
      `${family} ${cidr.padEnd(16)} in use ${String(target).padStart(7)}: allocate ${alloc.toFixed(2).padStart(6)} µs  release ${release.toFixed(2).padStart(6)} µs`,
    );
  }
  console.log(
    `${family} heap held with 100,000 in use: ${(heapMiB() - heapBefore).toFixed(1)} MiB (gc ${gc ? 'forced' : 'not available'})`,
  );
  if (!a.usage('bench')) throw new Error('pool missing');
}

// Pure arithmetic, no packets: the /12 only has to be big.
run('IPv4', '198.16.0.0/12');
run('IPv6', '2001:db8::/64');
