import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { processEnv, stopProcess } from './processes.js';

const children: number[] = [];

/** A node child process; `ignoreTerm` makes it ignore SIGTERM, as a speaker with a leaked timer would. */
async function child(ignoreTerm: boolean): Promise<number> {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} console.log('up'); setInterval(() => {}, 1000);`;
  const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  // Wait until its handler is installed, or the signal would hit the default action.
  await new Promise<void>((resolve) => c.stdout.once('data', () => resolve()));
  if (c.pid === undefined) throw new Error('no pid');
  children.push(c.pid);
  c.on('exit', () => {});
  return c.pid;
}

afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe('stopProcess', () => {
  it('says "exited" when SIGTERM was enough', async () => {
    const r = await stopProcess(await child(false), 2_000);
    expect(r.outcome).toBe('exited');
    expect(r.ms).toBeLessThan(2_000);
  });

  it('says "killed" when SIGKILL was needed after the grace time', async () => {
    const r = await stopProcess(await child(true), 300);
    expect(r.outcome).toBe('killed');
    expect(r.ms).toBeGreaterThanOrEqual(300);
  });

  it('says "not-running" for a process that is gone', async () => {
    const pid = await child(false);
    process.kill(pid, 'SIGKILL');
    await sleep(100);
    expect((await stopProcess(pid, 300)).outcome).toBe('not-running');
  });
});

describe('processEnv', () => {
  it.each<{ name: string; drop?: string[]; env?: Record<string, string>; want: NodeJS.ProcessEnv }>([
    { name: 'inherits everything by default', want: { PATH: '/bin', NODE_OPTIONS: '-x', NODE_ENV: 'dev' } },
    {
      name: 'drops the prefixes asked for',
      drop: ['NODE_'],
      want: { PATH: '/bin' },
    },
    {
      name: 'its own variables come after the drop',
      drop: ['NODE_'],
      env: { NODE_ENV: 'production' },
      want: { PATH: '/bin', NODE_ENV: 'production' },
    },
    {
      name: 'its own variables win over the host',
      env: { PATH: '/usr/bin' },
      want: { PATH: '/usr/bin', NODE_OPTIONS: '-x', NODE_ENV: 'dev' },
    },
  ])('$name', ({ drop, env, want }) => {
    const host = { PATH: '/bin', NODE_OPTIONS: '-x', NODE_ENV: 'dev' };
    expect(processEnv(host, { ...(drop && { withoutHostEnv: drop }), ...(env && { env }) })).toEqual(want);
  });
});
