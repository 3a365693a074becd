import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binariesScriptEnv, REPO_ROOT } from './binaries.js';

describe('binariesScriptEnv', () => {
  it.each([
    {
      name: 'no version asked: the environment as it is',
      env: { PATH: '/bin' },
      version: undefined,
      want: { PATH: '/bin' },
    },
    {
      name: 'a version asked',
      env: { PATH: '/bin' },
      version: '1.33',
      want: { PATH: '/bin', BARELB_K8S_VERSION: '1.33' },
    },
    {
      name: 'the option wins over the environment',
      env: { BARELB_K8S_VERSION: '1.37' },
      version: '1.33',
      want: { BARELB_K8S_VERSION: '1.33' },
    },
    {
      name: 'the environment stays when no option',
      env: { BARELB_K8S_VERSION: '1.33' },
      version: undefined,
      want: { BARELB_K8S_VERSION: '1.33' },
    },
  ])('$name', ({ env, version, want }) => {
    expect(binariesScriptEnv(env, version)).toEqual(want);
  });
});

// The script picks the wrapper module before it builds anything, so these rows run in milliseconds: a
// missing BARELB_K8S_BIN_DIR stops it right after a version it accepted.
describe('scripts/build-lab-binaries.sh: BARELB_K8S_VERSION', () => {
  const script = join(REPO_ROOT, 'scripts', 'build-lab-binaries.sh');
  it.each([
    {
      version: '1.30',
      stderr: /no module tools\/lab-binaries\/kube-1\.30; known: 1\.37 \(default\) 1\.33/,
    },
    { version: '1.33.13', stderr: /give a major\.minor such as 1\.33/ },
    { version: 'latest', stderr: /give a major\.minor/ },
    { version: '1.33', stderr: /BARELB_K8S_BIN_DIR=\/nonexistent has no executable etcd/ },
    { version: 'v1.33', stderr: /BARELB_K8S_BIN_DIR=\/nonexistent has no executable etcd/ },
    { version: '1.37', stderr: /BARELB_K8S_BIN_DIR=\/nonexistent has no executable etcd/ },
  ])('$version → $stderr', ({ version, stderr }) => {
    const r = spawnSync(script, [], {
      env: { PATH: process.env.PATH, BARELB_K8S_VERSION: version, BARELB_K8S_BIN_DIR: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(stderr);
  });
});
