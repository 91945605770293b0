/**
 * The JSON bodies the reward-model HTTP API accepts (seed 003's `/score` and `/score-pair`, plus
 * `/score-batch`), validated field by field so a bad request gets a 400 naming the field.
 * Unknown extra fields are ignored: clients written for other reward-model servers send some.
 */
import { z } from 'zod';
import { MAX_BATCH_ITEMS, MAX_IMAGE_BASE64_CHARS, MAX_RESPONSES, MAX_TEXT_CHARS } from '../scoring/score-limits';

const text = z.string().max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`);
const response = text.min(1, 'must not be empty');
const image = z.string().max(MAX_IMAGE_BASE64_CHARS, `must be at most ${MAX_IMAGE_BASE64_CHARS} base64 characters`).nullable().optional();

export const scoreBody = z.object({ prompt: text, response, image });
export const scorePairBody = z.object({ prompt: text, chosen: response, rejected: response, image });
export const scoreBatchBody = z.object({
  items: z
    .array(
      z.object({
        prompt: text,
        responses: z.array(response).min(1, 'must hold at least one response').max(MAX_RESPONSES, `must hold at most ${MAX_RESPONSES} responses`),
        image,
      }),
    )
    .min(1, 'must hold at least one item')
    .max(MAX_BATCH_ITEMS, `must hold at most ${MAX_BATCH_ITEMS} items (split larger batches)`),
});

export type ScoreBody = z.infer<typeof scoreBody>;
export type ScorePairBody = z.infer<typeof scorePairBody>;
export type ScoreBatchBody = z.infer<typeof scoreBatchBody>;

/** The first problem of a rejected body, as "field: what is wrong" (e.g. `items.0.responses: must hold at least one response`). */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the body is not valid';
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  if (issue.code === 'invalid_type') {
    const missing = issue.message.includes('received undefined');
    return missing ? `${field}: missing (required)` : `${field}: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
  return `${field}: ${issue.message}`;
}
