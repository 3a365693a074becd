/** Why the lab failed, with a stable code for callers and the underlying error as `cause`. */
export type LabErrorCode =
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMEOUT'
  | 'BINARIES_UNAVAILABLE'
  | 'NOT_READY'
  | 'NO_FREE_LAB'
  | 'NOT_RUNNING'
  | 'UNKNOWN_TARGET'
  | 'NOT_ROOT'
  /** A BareLB process was still running STOP_BOUND_MS after SIGTERM and had to be killed. */
  | 'STOP_TIMEOUT';

export class LabError extends Error {
  readonly code: LabErrorCode;
  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}
