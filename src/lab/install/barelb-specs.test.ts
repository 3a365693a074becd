import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cluster/binaries.js';
import { labPaths } from '../cluster/lab-paths.js';
import { BARELB_STOP_BOUND_MS, controllerSpec, RUNTIME_ENV, speakerSpec } from './barelb-specs.js';

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

describe('host-process components get the image environment', () => {
  // The runtime stage's ENV: the last ENV instruction of the Dockerfile, with its continuation lines.
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const envBlock = dockerfile.slice(dockerfile.lastIndexOf('\nENV ')).split(/\n(?!\s)/)[1] ?? '';
  it.each(Object.entries(RUNTIME_ENV))('%s=%s is in the Dockerfile', (name, value) => {
    expect(envBlock).toMatch(new RegExp(`\\b${name}=${value}\\b`));
  });
  it.each([
    ['controller', controllerSpec('blb0-cp', paths, '/k', 1)],
    ['speaker', speakerSpec('blb0-n1', 'n1', paths, '/k', '/key')],
  ])('%s', (_what, spec) => {
    expect(spec.env).toEqual(RUNTIME_ENV);
  });
});
