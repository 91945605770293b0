/** Serving: one model behind the reward HTTP API (app/serving), started and stopped from the Models view. */
import { z } from 'zod';
import type { ServeStatus } from '../scoring/types';
import { command, event } from './define';
import { modelRef } from './scoring';

/** An API key for the served model: 16–256 visible characters (the Serve panel generates 64 hex digits). */
export const serveApiKey = z
  .string()
  .min(16, 'The API key needs at least 16 characters.')
  .max(256, 'The API key is at most 256 characters.')
  .regex(/^[\x21-\x7e]+$/, 'The API key is printable ASCII without spaces.');

export const servingCommands = {
  /**
   * Starts the reward-model HTTP API (`/score`, `/score-pair`, `/score-batch` and the RL clients'
   * endpoints); one at a time. With `apiKey`, every request needs `Authorization: Bearer <apiKey>`.
   */
  'serving.start': command<ServeStatus>()(
    z.object({
      model: modelRef,
      port: z.number().int().min(1).max(65535).default(8400),
      host: z.string().max(200).default('127.0.0.1'),
      apiKey: serveApiKey.optional(),
    }),
  ),
  'serving.stop': command<{ stopped: boolean }>()(z.object({})),
  'serving.status': command<ServeStatus | null>()(z.object({})),
};

export const servingEvents = {
  'serving.onChanged': event<ServeStatus | null>(),
};
