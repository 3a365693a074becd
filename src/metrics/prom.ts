/**
 * prom-client's metric classes, loaded one file each. Its index loads every part at once: the
 * Pushgateway client (zlib and the HTTP clients), the cluster aggregator and the default metrics,
 * which load @opentelemetry/api. Measured on Node 24 with deploy/'s flags, after node:http/https/crypto
 * (/proc/self/status of a bare process): the index adds 13.5 MiB of RSS (4.3 anonymous), these four
 * files 3.8 MiB (1.0 anonymous) (issue 14). BareLB uses these four; its process metrics are its own
 * (process-metrics.ts). Types come from the package's own declarations.
 */
import { createRequire } from 'node:module';
import type * as Prom from 'prom-client';

const load = createRequire(import.meta.url);

export const Registry: typeof Prom.Registry = load('prom-client/lib/registry');
export const Counter: typeof Prom.Counter = load('prom-client/lib/counter');
export const Gauge: typeof Prom.Gauge = load('prom-client/lib/gauge');
export const Histogram: typeof Prom.Histogram = load('prom-client/lib/histogram');

export type Registry = Prom.Registry;
export type Counter<T extends string = string> = Prom.Counter<T>;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export type Histogram<T extends string = string> = Prom.Histogram<T>;
