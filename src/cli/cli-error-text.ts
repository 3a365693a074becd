/**
 * What the CLI prints for an error that ends it. An operator reads this line alone, often from a Pod's
 * last log line, so Node's system errors ("ENOENT: no such file or directory, open '/etc/…'") become
 * plain words naming the file, and a code is said once.
 */

/** Plain words for the system errors a file read meets, by errno code. */
const PLAIN: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

interface SystemErrorLike {
  readonly code?: unknown;
  readonly path?: unknown;
  readonly syscall?: unknown;
  readonly message?: unknown;
}

/** `cannot read FILE: no such file` for a file system error Node raised, or undefined for any other. */
export function fileErrorText(err: unknown): string | undefined {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SystemErrorLike;
  if (typeof e.code !== 'string' || typeof e.path !== 'string') return undefined;
  const plain = PLAIN[e.code];
  if (!plain) return undefined;
  const verb = e.syscall === 'open' || e.syscall === 'read' || e.syscall === undefined ? 'read' : 'use';
  return `cannot ${verb} ${e.path}: ${plain}`;
}

/** The whole line after `barelb: `. */
export function cliErrorText(err: unknown): string {
  const file = fileErrorText(err) ?? fileErrorText((err as { cause?: unknown } | null)?.cause);
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  if (file) {
    // A wrapped error (MigrateError READ_FAILED) keeps its code; Node's own needs none beside plain words.
    const own = typeof e.code === 'string' && !(e.code in PLAIN) ? `${e.code}: ` : '';
    return `${own}${file}`;
  }
  const message = typeof e.message === 'string' ? e.message : String(err);
  // Errors that already start with their code ("NO_KUBECONFIG: …"): say it once.
  const code = typeof e.code === 'string' && !message.startsWith(e.code) ? `${e.code}: ` : '';
  return `${code}${message}`;
}
