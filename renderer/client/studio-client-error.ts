import type { StudioErrorCode, StudioErrorShape } from './contract-types';

/** `disconnected`: the call was in flight (or issued) while the WebSocket was down. */
export type ClientErrorCode = StudioErrorCode | 'disconnected';

/**
 * A failed command as the UI sees it: the core's code, message and hint from the envelope, or
 * `disconnected` when the transport lost the call. Toasts show `message` and `hint` verbatim.
 */
export class StudioClientError extends Error {
  readonly code: ClientErrorCode;
  readonly hint: string | undefined;
  /** The command that failed, so a toast or log can say which action it was. */
  readonly command: string;

  constructor(command: string, shape: { code: ClientErrorCode; message: string; hint?: string | undefined }) {
    super(shape.message);
    this.name = 'StudioClientError';
    this.code = shape.code;
    this.hint = shape.hint;
    this.command = command;
  }

  static fromShape(command: string, shape: StudioErrorShape): StudioClientError {
    return new StudioClientError(command, shape);
  }
}

/** Anything thrown in the UI, reduced to what a toast shows. */
export function describeError(error: unknown): { message: string; hint: string | undefined; code: string } {
  if (error instanceof StudioClientError) return { message: error.message, hint: error.hint, code: error.code };
  if (error instanceof Error) {
    return { message: error.message, hint: 'This is a bug in the Reward Studio UI; reload the page and try again.', code: 'internal' };
  }
  return { message: String(error), hint: undefined, code: 'internal' };
}
