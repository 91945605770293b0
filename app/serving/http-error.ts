/**
 * The HTTP API's errors: a status, a message naming what is wrong and a hint saying what to do;
 * every endpoint module throws these and reward-api-server.ts writes them as
 * `{"error": {"message", "hint"}}`.
 */
import type { z } from 'zod';
import { describeIssue } from './request-bodies';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const JSON_HINT = 'Send a JSON object with Content-Type: application/json (see the API examples printed at start-up).';

/** Validates a body against its schema; the first problem is a 400 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, json: unknown, hint = JSON_HINT): z.infer<S> {
  const result = schema.safeParse(json);
  if (!result.success) throw new HttpError(400, `Bad request body: ${describeIssue(result.error)}`, hint);
  return result.data;
}
