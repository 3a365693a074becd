/** Why `barelb migrate` could not produce a configuration; expected oddities in the input are warnings instead. */
export type MigrateErrorCode =
  | 'INVALID_YAML'
  | 'NO_INPUT'
  | 'READ_FAILED'
  | 'NOTHING_TO_CONVERT'
  | 'WOULD_CHANGE'
  | 'WARNINGS';

export class MigrateError extends Error {
  readonly code: MigrateErrorCode;
  constructor(code: MigrateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrateError';
    this.code = code;
  }
}
