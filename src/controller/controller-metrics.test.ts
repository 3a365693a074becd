import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ConfigHealth } from './config-health.js';
import { controllerMetrics } from './controller-metrics.js';

describe('controllerMetrics: the config gauges are read at scrape time', () => {
  it.each<{ now: ConfigHealth; want: string[] }>([
    {
      now: { loaded: 1, stale: 0 },
      want: ['barelb_controller_config_loaded 1', 'barelb_controller_config_stale 0'],
    },
    {
      now: { loaded: 0, stale: 1 },
      want: ['barelb_controller_config_loaded 0', 'barelb_controller_config_stale 1'],
    },
  ])('$now', async ({ now, want }) => {
    const registry = new Registry();
    let health: ConfigHealth = { loaded: 0, stale: 0 };
    controllerMetrics(registry, () => health);
    health = now;
    const text = await registry.metrics();
    for (const line of want) expect(text.split('\n')).toContain(line);
  });
});
