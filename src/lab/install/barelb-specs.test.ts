import { describe, expect, it } from 'vitest';
import { labPaths } from '../cluster/lab-paths.js';
import { BARELB_STOP_BOUND_MS, controllerSpec, speakerSpec } from './barelb-specs.js';

const paths = labPaths('/state', '/bin');

describe('controllerSpec', () => {
  it.each([
    [1, 'controller', '--metrics-addr=127.0.0.1:7472'],
    [2, 'controller-2', '--metrics-addr=127.0.0.1:7473'],
  ])('replica %i is %s on its own metrics port', (replica, name, metrics) => {
    const s = controllerSpec('blb0-cp', paths, '/state/c.kubeconfig', replica);
    expect(s.name).toBe(name);
    expect(s.ns).toBe('blb0-cp');
    expect(s.args).toContain(metrics);
    expect(s.args).toContain(`--identity=${name}`);
    expect(s.logFile).toBe(`/state/logs/${name}.log`);
  });
});

describe('BareLB processes carry the stop bound, so a shutdown that needs SIGKILL fails', () => {
  it.each([
    ['controller', controllerSpec('blb0-cp', paths, '/k', 1)],
    ['speaker', speakerSpec('blb0-n1', 'n1', paths, '/k', '/key')],
  ])('%s', (_what, spec) => {
    expect(spec.stopBoundMs).toBe(BARELB_STOP_BOUND_MS);
  });
});
