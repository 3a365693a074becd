import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cluster/binaries.js';
import { labPaths } from '../cluster/lab-paths.js';
import { processEnv } from '../cluster/processes.js';
import {
  BARELB_STOP_BOUND_MS,
  barelbProcessEnv,
  controllerSpec,
  RUNTIME_ENV,
  speakerSpec,
} from './barelb-specs.js';

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
  ])("%s, and none of the shell's NODE_* variables", (_what, spec) => {
    const env = processEnv(
      { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', NODE_OPTIONS: '--inspect' },
      spec,
    );
    expect(env).toEqual({ PATH: '/bin', ...RUNTIME_ENV });
  });
});

describe('barelbProcessEnv', () => {
  it.each<{ name: string; host: NodeJS.ProcessEnv; want: NodeJS.ProcessEnv }>([
    {
      name: "the image's variables, the host's PATH, no NODE_* of the shell",
      host: {
        PATH: '/bin',
        NODE_EXTRA_CA_CERTS: '/ca.crt',
        NODE_OPTIONS: '--max-old-space-size=8000',
        NODE_ENV: 'test',
      },
      want: { PATH: '/bin', ...RUNTIME_ENV },
    },
    {
      name: 'BARELB_LAB_NODE_OPTIONS becomes NODE_OPTIONS',
      host: { NODE_OPTIONS: '--inspect', BARELB_LAB_NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2' },
      want: {
        BARELB_LAB_NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2',
        ...RUNTIME_ENV,
        NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2',
      },
    },
    {
      name: 'an empty BARELB_LAB_NODE_OPTIONS sets nothing',
      host: { BARELB_LAB_NODE_OPTIONS: '' },
      want: { BARELB_LAB_NODE_OPTIONS: '', ...RUNTIME_ENV },
    },
  ])('$name', ({ host, want }) => {
    expect(processEnv(host, barelbProcessEnv(host))).toEqual(want);
  });
});
