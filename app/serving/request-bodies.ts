/**
 * The JSON bodies the reward-model HTTP API accepts (seed 003's `/score` and `/score-pair`, plus
 * `/score-batch`), validated field by field so a bad request gets a 400 naming the field.
 * Unknown extra fields are ignored: clients written for other reward-model servers send some.
 *
 * The prompt is either `prompt` (one user turn, seed 003) or `messages`, an OpenAI-style chat
 * (chat-messages.ts maps it onto the studio's conversation shape), with optional `tools`.
 */
import { z } from 'zod';
import { MAX_BATCH_ITEMS, MAX_IMAGE_BASE64_CHARS, MAX_MESSAGES, MAX_PARTS, MAX_RESPONSES, MAX_TEXT_CHARS, MAX_TOOLS } from '../scoring/score-limits';

const text = z.string().max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`);
const response = text.min(1, 'must not be empty');
const imageText = z.string().max(MAX_IMAGE_BASE64_CHARS, `must be at most ${MAX_IMAGE_BASE64_CHARS} base64 characters`);
const image = imageText.nullable().optional();

const PART_SHAPES = 'must be {"type": "text", "text"}, {"type": "image_url", "image_url": {"url": data URL}} or {"type": "image", "image": data URL}';
const contentPart = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text'), text }),
    // OpenAI's shape ({"url": ...}) and the bare string some clients send.
    z.object({ type: z.literal('image_url'), image_url: z.union([z.object({ url: imageText }), imageText], { error: 'must be {"url": data URL} or a data URL' }) }),
    // Hugging Face's chat shape with the image inline.
    z.object({ type: z.literal('image'), image: imageText }),
  ],
  { error: PART_SHAPES },
);

const toolCall = z.object({
  type: z.literal('function').optional(),
  function: z.object({
    name: z.string().min(1, 'must not be empty').max(200),
    arguments: z.union([text, z.record(z.string(), z.unknown())]).optional(),
  }),
});

export const chatMessage = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'tool_call']),
  content: z
    .union([text, z.array(contentPart).max(MAX_PARTS, `must hold at most ${MAX_PARTS} parts`)], { error: `must be a string or a list of parts (each ${PART_SHAPES.replace('must be ', '')})` })
    .nullable()
    .optional(),
  tool_calls: z.array(toolCall).max(MAX_PARTS, `must hold at most ${MAX_PARTS} calls`).optional(),
});

const messages = z.array(chatMessage).min(1, 'must hold at least one message').max(MAX_MESSAGES, `must hold at most ${MAX_MESSAGES} messages`).optional();
const tools = z.array(z.record(z.string(), z.unknown())).max(MAX_TOOLS, `must hold at most ${MAX_TOOLS} tools`).nullable().optional();

/** `prompt` or `messages` (not both); with `messages` images go inside them. */
const prompted = { prompt: text.optional(), messages, tools, image };

type Prompted = { prompt?: string | undefined; messages?: unknown[] | undefined; image?: string | null | undefined };

function promptOrMessages(body: Prompted, context: z.RefinementCtx): void {
  if (body.messages === undefined && body.prompt === undefined) {
    context.addIssue({ code: 'custom', path: ['prompt'], message: 'missing (required; or send the conversation as `messages`)' });
  } else if (body.messages !== undefined && body.prompt !== undefined) {
    context.addIssue({ code: 'custom', path: ['messages'], message: 'send either `prompt` or `messages`, not both' });
  } else if (body.messages !== undefined && body.image) {
    context.addIssue({ code: 'custom', path: ['image'], message: 'with `messages`, put the image inside the message where it was shown (an image_url part)' });
  }
}

export const scoreBody = z.object({ ...prompted, response }).superRefine(promptOrMessages);
export const scorePairBody = z.object({ ...prompted, chosen: response, rejected: response }).superRefine(promptOrMessages);
export const scoreBatchBody = z.object({
  items: z
    .array(
      z
        .object({
          ...prompted,
          responses: z.array(response).min(1, 'must hold at least one response').max(MAX_RESPONSES, `must hold at most ${MAX_RESPONSES} responses`),
        })
        .superRefine(promptOrMessages),
    )
    .min(1, 'must hold at least one item')
    .max(MAX_BATCH_ITEMS, `must hold at most ${MAX_BATCH_ITEMS} items (split larger batches)`),
});

export type ChatMessage = z.infer<typeof chatMessage>;
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
