import { z } from 'zod';
import type { ModelExport, ModelExportProgress, ScoreResult, ServeStatus } from '../scoring/types';
import { command, event } from './define';

export const modelRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checkpoint'), checkpointId: z.number().int().min(1) }),
  z.object({ kind: z.literal('export'), exportId: z.string().min(1).max(200).regex(/^[\w.-]+$/) }),
]);

/** Limits shared by the playground and the HTTP API (app/scoring/score-limits.ts holds the numbers). */
export const MAX_TEXT_CHARS = 200_000;
export const MAX_RESPONSES = 16;
/** A data URL of a 16 MiB image is about 22 MB of base64. */
export const MAX_IMAGE_BASE64_CHARS = 23_000_000;

/** An API key for the served model: 16–256 visible characters (the Serve panel generates 64 hex digits). */
export const serveApiKey = z
  .string()
  .min(16, 'The API key needs at least 16 characters.')
  .max(256, 'The API key is at most 256 characters.')
  .regex(/^[\x21-\x7e]+$/, 'The API key is printable ASCII without spaces.');

export const scoringCommands = {
  /** The score playground: one query, an optional image, 1–16 responses, scored by one model. */
  'scoring.score': command<ScoreResult>()(
    z.object({
      model: modelRef,
      query: z.string().max(MAX_TEXT_CHARS),
      responses: z.array(z.string().min(1).max(MAX_TEXT_CHARS)).min(1).max(MAX_RESPONSES),
      image: z.string().max(MAX_IMAGE_BASE64_CHARS).nullable().optional(),
    }),
  ),
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
  /** Exports of the open project (`<project>/exports/`), newest first. */
  'models.exports': command<ModelExport[]>()(z.object({})),
  /** Merges LoRA into a standalone Hugging Face folder, or writes an ONNX export; verified by reloading. */
  'models.export': command<ModelExport>()(
    z.object({ checkpointId: z.number().int().min(1), format: z.enum(['merged', 'onnx']) }),
  ),
  'models.deleteExport': command<{ deleted: number }>()(
    z.object({ id: z.string().min(1).max(200).regex(/^[\w.-]+$/), confirm: z.literal(true) }),
  ),
};

export const scoringEvents = {
  'serving.onChanged': event<ServeStatus | null>(),
  'models.onExportProgress': event<ModelExportProgress>(),
};
