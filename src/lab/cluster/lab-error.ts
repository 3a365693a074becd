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
  /** The lab images (scripts/build-lab-images.sh) are missing and could not be built. */
  | 'IMAGES_UNAVAILABLE'
  /** The call does not exist in this lab's mode (host-process pods on real nodes, for example). */
  | 'UNSUPPORTED'
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
