import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type ControllerReadings, controllerMetrics } from './controller-metrics.js';

const reading = (loaded: 0 | 1, stale: 0 | 1, pending: Record<string, number> = {}): ControllerReadings => ({
  configHealth: () => ({ loaded, stale }),
  pendingByReason: () => new Map(Object.entries(pending)),
});

describe('controllerMetrics: gauges read the controller at scrape time', () => {
  it.each([
    {
      name: 'config loaded, nothing pending',
      now: reading(1, 0),
      want: ['barelb_controller_config_loaded 1', 'barelb_controller_config_stale 0'],
      absent: ['barelb_controller_services_pending{'],
    },
    {
      name: 'config stale and not loaded',
      now: reading(0, 1),
      want: ['barelb_controller_config_loaded 0', 'barelb_controller_config_stale 1'],
      absent: [],
    },
    {
      name: 'pending Services by reason',
      now: reading(1, 0, { PoolExhausted: 3, NoPoolForService: 1 }),
      want: [
        'barelb_controller_services_pending{reason="PoolExhausted"} 3',
        'barelb_controller_services_pending{reason="NoPoolForService"} 1',
      ],
      absent: [],
    },
  ])('$name', async ({ now, want, absent }) => {
    const registry = new Registry();
    // First scrape with something else pending: a reason that went away must not linger.
    let current = reading(0, 0, { IPInUse: 2 });
    controllerMetrics(registry, {
      configHealth: () => current.configHealth(),
      pendingByReason: () => current.pendingByReason(),
    });
    await registry.metrics();
    current = now;
    const lines = (await registry.metrics()).split('\n');
    for (const line of want) expect(lines).toContain(line);
    expect(lines.filter((l) => l.includes('IPInUse'))).toEqual([]);
    for (const prefix of absent) expect(lines.filter((l) => l.startsWith(prefix))).toEqual([]);
  });
});
