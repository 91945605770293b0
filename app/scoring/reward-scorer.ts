import type { StudioError } from '../errors';
import type { ImageResize } from '../onnx/image-resize-notice';

/**
 * What every scoring engine offers the studio: the playground, the HTTP API, evaluations with an
 * ONNX export and the benchmarks all talk to a loaded model through this one interface.
 *
 * Engines: the Python worker kept warm with one model loaded (app/scoring/python-scorer.ts) and
 * onnxruntime-node over an ONNX export (app/onnx/onnx-reward-scorer.ts).
 */

/** One prompt (query plus an optional image) and the responses to score under it. */
export interface ScoreItem {
  query: string;
  responses: string[];
  /** The encoded image file (PNG, JPEG, WebP, ...), already checked against the studio's image limits. */
  image: Buffer | null;
  /**
   * The whole conversation before the responses, when the prompt is more than one query: the model
   * sees it (through its chat template) instead of `query` and `image`, which then only label the item.
   */
  conversation?: ScoreConversation;
  /**
   * The whole sequence already rendered by the chat template (prompt and one response, special tokens
   * as text), as RL trainers send it: the worker splits it at the last assistant-turn opening and reads
   * the reward at the end-of-turn token, exactly as in training. `responses` then holds that one text
   * (for counting); `query` and `image` are unused.
   */
  rendered?: { text: string; images: Buffer[] };
}

/**
 * A conversation in the studio's canonical message shape (app/store/types.ts `PromptMessage`; roles
 * system, user, assistant, tool_call, tool), with the images of its `{"type": "image"}` parts.
 */
export interface ScoreConversation {
  messages: ScoreMessage[];
  /** Tool definitions for the chat template's `tools=` (OpenAI shape), or null. */
  tools: Record<string, unknown>[] | null;
  /** One encoded, checked image per image part of `messages`, in order. */
  images: Buffer[];
}

export interface ScoreMessage {
  role: 'system' | 'user' | 'assistant' | 'tool_call' | 'tool';
  content: string | ScoreContentPart[];
}
export type ScoreContentPart = { type: 'image' } | { type: 'text'; text: string };

/** The images an item shows the model: its conversation's, or its one image. */
export function itemImages(item: ScoreItem): Buffer[] {
  if (item.rendered) return item.rendered.images;
  if (item.conversation) return item.conversation.images;
  return item.image ? [item.image] : [];
}

export interface RewardScorer {
  readonly engine: 'python' | 'onnx';
  /** What a person calls this model (run name and step, or a folder name). */
  readonly label: string;
  /** True when the model reads images (a text-only model rejects items with an image). */
  readonly acceptsImages: boolean;
  /** One array of scores per item, one score per response, in the order given. */
  score(items: ScoreItem[]): Promise<number[][]>;
  /**
   * ONNX only: like `score`, with each item's image resize away from the checkpoint's resolution to
   * the export's fixed grid (null when none), so callers can say the scores differ from the checkpoint's.
   */
  scoreWithResizes?(items: ScoreItem[]): Promise<{ scores: number[][]; resized: (ImageResize | null)[] }>;
  /**
   * Like `score`, but one outcome per item: a bad item fails alone, so requests from several clients
   * can share one call (the HTTP API's dynamic batching). Engines without it are called per request.
   */
  scoreEach?(items: ScoreItem[]): Promise<ItemOutcome[]>;
  /** Frees the model (ends the worker process or releases the ONNX session). */
  close(): Promise<void>;
}

/** One item's scores (and the tokens it cost), or why it could not be scored. */
export type ItemOutcome = { scores: number[]; tokens: number } | { error: StudioError };
