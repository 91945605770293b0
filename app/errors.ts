/**
 * The one error type that crosses the contract boundary.
 *
 * Every failure a person can see says three things: what happened (`message`), to which
 * file/line/item (inside the message), and what to do next (`hint`). `code` is stable and
 * machine-readable so the renderer can pick an empty/error state without parsing text.
 */
export type StudioErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'no_project'
  | 'not_a_project'
  | 'already_exists'
  /** A file is in the way; the command can be sent again with its overwrite flag once a person confirms. */
  | 'file_exists'
  | 'bad_file'
  | 'bad_image'
  | 'forbidden'
  | 'busy'
  | 'too_large'
  | 'cancelled'
  /** The disk holding the project (or the export target) is full: nothing half-written was kept. */
  | 'disk_full'
  | 'internal';

/**
 * What went wrong and what to do next, without a code: how a job (run, evaluation, export)
 * records the reason it failed, and what a worker's error event carries.
 */
export interface Problem {
  message: string;
  hint?: string;
}

export interface StudioErrorShape extends Problem {
  code: StudioErrorCode;
}

export class StudioError extends Error implements StudioErrorShape {
  readonly code: StudioErrorCode;
  readonly hint?: string;

  constructor(code: StudioErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.hint = hint;
  }

  toJSON(): StudioErrorShape {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

/** Converts anything thrown into the shape the contract sends, never leaking a stack to the UI. */
export function toErrorShape(error: unknown): StudioErrorShape {
  if (error instanceof StudioError) return error.toJSON();
  if (isDiskFull(error)) {
    return {
      code: 'disk_full',
      message: `the disk is full (${(error as Error).message})`,
      hint: 'Free some space on the disk that holds the project (or the export target), then try again; everything saved before is kept.',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message,
    hint: 'This is a bug in Reward Studio; the full error is in the terminal or the app log.',
  };
}

/**
 * A full disk, as SQLite (SQLITE_FULL: its transaction is rolled back whole) or the file system
 * (ENOSPC, and EDQUOT for a full quota) report it.
 */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}
