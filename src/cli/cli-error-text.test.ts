import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cliErrorText, fileErrorText } from './cli-error-text.js';

/** A real system error from Node, so the rows test what Node raises, not a guess at its shape. */
async function readError(path: string): Promise<unknown> {
  return readFile(path, 'utf8').then(
    () => undefined,
    (err: unknown) => err,
  );
}

class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

describe('cliErrorText', () => {
  it.each<{ name: string; err: () => Promise<unknown> | unknown; want: string }>([
    {
      name: 'a missing file, as Node raises it',
      err: () => readError('/nonexistent/barelb-key'),
      want: 'cannot read /nonexistent/barelb-key: no such file',
    },
    {
      // Node names no path for this one, so there is nothing plainer to say than its own words.
      name: 'a directory given for a file',
      err: () => readError('/tmp'),
      want: 'EISDIR: illegal operation on a directory, read',
    },
    {
      name: 'a wrapped read failure keeps its own code and says the file plainly',
      err: async () =>
        new CodedError('READ_FAILED', 'cannot read x.yaml: Error: ENOENT …', {
          cause: await readError('/nonexistent/x.yaml'),
        }),
      want: 'READ_FAILED: cannot read /nonexistent/x.yaml: no such file',
    },
    {
      name: 'a coded error whose message starts with its code: the code once',
      err: () => new CodedError('NO_KUBECONFIG', 'NO_KUBECONFIG: no kubeconfig: not running in a cluster'),
      want: 'NO_KUBECONFIG: no kubeconfig: not running in a cluster',
    },
    {
      name: 'a coded error: code, then message',
      err: () => new CodedError('WOULD_CHANGE', '1 field(s) have no BareLB counterpart'),
      want: 'WOULD_CHANGE: 1 field(s) have no BareLB counterpart',
    },
    { name: 'a plain Error', err: () => new Error('boom'), want: 'boom' },
    { name: 'not an Error at all', err: () => 'just a string', want: 'just a string' },
  ])('$name', async ({ err, want }) => {
    expect(cliErrorText(await err())).toBe(want);
  });
});

describe('fileErrorText', () => {
  it.each<{ name: string; err: unknown; want: string | undefined }>([
    { name: 'no path', err: { code: 'ENOENT' }, want: undefined },
    { name: 'an unknown code', err: { code: 'EIO', path: '/x' }, want: undefined },
    {
      name: 'permission',
      err: { code: 'EACCES', path: '/k', syscall: 'open' },
      want: 'cannot read /k: permission denied',
    },
    {
      name: 'not a read',
      err: { code: 'ENOENT', path: '/s', syscall: 'connect' },
      want: 'cannot use /s: no such file',
    },
    { name: 'null', err: null, want: undefined },
  ])('$name', ({ err, want }) => {
    expect(fileErrorText(err)).toBe(want);
  });
});
