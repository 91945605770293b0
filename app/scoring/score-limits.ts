/**
 * The limits every scoring request passes, wherever it comes from (the playground, the HTTP API).
 * Text and image limits live in the contract (app/contract/scoring.ts) so the UI can show them;
 * the HTTP-only ones are here.
 */
export { MAX_IMAGE_BASE64_CHARS, MAX_RESPONSES, MAX_TEXT_CHARS } from '../contract/scoring';

/** An image for scoring, as bytes (what MAX_IMAGE_BASE64_CHARS allows once decoded, rounded down). */
export const MAX_SCORE_IMAGE_BYTES = 16 * 1024 * 1024;

/** Largest HTTP request body: one image at the contract's base64 limit plus text fits, a stream of garbage does not. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Items per `/score-batch` request; more should be split by the caller (one request holds the model). */
export const MAX_BATCH_ITEMS = 64;

/** Messages in one conversation sent to the API (a long agent trace fits; a runaway client does not). */
export const MAX_MESSAGES = 512;

/** Content parts (or tool calls) in one message. */
export const MAX_PARTS = 64;

/** Tool definitions per item. */
export const MAX_TOOLS = 128;

/** Images in one conversation; the body limit bounds their bytes, this bounds the decoding work. */
export const MAX_CONVERSATION_IMAGES = 16;
