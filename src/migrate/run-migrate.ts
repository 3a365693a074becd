import { convertMetalLB } from './convert-metallb.js';
import { MigrateError } from './migrate-error.js';

/** What `barelb migrate` touches of the outside world; tests pass strings and arrays. */
export interface MigrateIo {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
  readonly stdinIsTTY: boolean;
  writeOut(text: string): void;
  writeErr(text: string): void;
}

export interface MigrateOptions {
  readonly namespace: string;
  /** Fail (after writing everything) when there is any warning. */
  readonly strict: boolean;
}

/**
 * Reads MetalLB YAML from a file, or stdin for `-` or no file, writes the BareLB YAML to stdout and each warning
 * to stderr. Throws MigrateError when nothing could be converted (or, with `strict`, when anything was left out).
 */
export async function runMigrate(file: string | undefined, o: MigrateOptions, io: MigrateIo): Promise<void> {
  const fromStdin = file === undefined || file === '-';
  if (fromStdin && file === undefined && io.stdinIsTTY) {
    throw new MigrateError('NO_INPUT', 'give a file, or pipe MetalLB YAML in: barelb migrate < metallb.yaml');
  }
  let text: string;
  try {
    text = fromStdin ? await io.readStdin() : await io.readFile(file);
  } catch (err) {
    // The CLI says a file error plainly from the cause (cli-error-text.ts); the message stays whole.
    throw new MigrateError('READ_FAILED', `cannot read ${fromStdin ? 'stdin' : file}: ${String(err)}`, {
      cause: err,
    });
  }
  const result = convertMetalLB(text, { namespace: o.namespace });
  for (const w of result.warnings) io.writeErr(`warning: ${w}\n`);
  if (result.objects.length === 0) {
    throw new MigrateError('NOTHING_TO_CONVERT', 'no IPAddressPool or L2Advertisement to convert');
  }
  // Nothing is written: piped into kubectl apply, it would announce or allocate differently than before.
  if (result.refused.length > 0) {
    throw new MigrateError(
      'WOULD_CHANGE',
      `${result.refused.length} field(s) have no BareLB counterpart, and leaving them out would change what the objects select or do (see the warnings above); nothing written`,
    );
  }
  io.writeOut(result.yaml);
  if (o.strict && result.warnings.length > 0) {
    throw new MigrateError('WARNINGS', `${result.warnings.length} warning(s), and --strict was given`);
  }
}
