/**
 * Scoring: responses scored by one model (a checkpoint or an export) — the Models playground.
 * Serving that model over HTTP is contract/serving.ts; making exports is contract/models.ts.
 */
import { z } from 'zod';
import type { ScoreResult } from '../scoring/types';
import { command } from './define';

export const modelRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checkpoint'), checkpointId: z.number().int().min(1) }),
  z.object({ kind: z.literal('export'), exportId: z.string().min(1).max(200).regex(/^[\w.-]+$/) }),
]);

/** Limits shared by the playground and the HTTP API (app/scoring/score-limits.ts holds the numbers). */
export const MAX_TEXT_CHARS = 200_000;
export const MAX_RESPONSES = 16;
/** A data URL of a 16 MiB image is about 22 MB of base64. */
export const MAX_IMAGE_BASE64_CHARS = 23_000_000;

export const scoringCommands = {
  /** The score playground: one query, an optional image, 1–16 responses, scored by one model. */
  'scoring.score': command<ScoreResult>()(
    z.object({
      model: modelRef,
      query: z.string().max(MAX_TEXT_CHARS),
      responses: z.array(z.string().min(1).max(MAX_TEXT_CHARS)).min(1).max(MAX_RESPONSES),
      image: z.string().max(MAX_IMAGE_BASE64_CHARS).nullable().optional(),
      /**
       * Or an image uploaded to `serve` first (`POST /upload`), by the path it answered: what a
       * browser sends, since a 16 MiB image in base64 does not fit in one WebSocket frame.
       */
      imageFile: z.string().min(1).max(4096).nullable().optional(),
    }),
  ),
};
