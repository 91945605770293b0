/**
 * Scores with an ONNX export (`python -m reward_studio export-onnx`) in-process through
 * onnxruntime-node on the CPU: no Python needed. Each item is one graph run, its responses the rows
 * (prompt + response per row, as the worker's full-concatenation path), so scores match the Python
 * worker's to float precision.
 *
 * Conversations of system, user and assistant messages (at most one image) are put together from the
 * chat template's per-role pieces recorded at export (onnx-prompt.ts). Anything those pieces cannot
 * render as the worker would — tools, tool calls and results, an export without pieces — is refused
 * with what to do, never scored as if it were its last question. (An export without pieces still
 * scores a conversation that is exactly one user turn, through the query layout.)
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { StudioError } from '../errors';
import { itemImages, type RewardScorer, type ScoreConversation, type ScoreItem } from '../scoring/reward-scorer';
import { BpeTokenizer } from './bpe-tokenizer';
import { type OnnxConfig, readOnnxConfig } from './onnx-config';
import { OnnxPrompt } from './onnx-prompt';
import { type ImageResize, imageResize } from './image-resize-notice';
import { decodeRgb, pixelValues } from './qwen-image-preprocess';

export interface OnnxScorerOptions {
  label?: string;
  /** onnxruntime intra-op threads (default: onnxruntime's own choice, all cores). */
  threads?: number;
}

export class OnnxRewardScorer implements RewardScorer {
  readonly engine = 'onnx' as const;
  readonly acceptsImages: boolean;
  private closed = false;

  private constructor(
    readonly label: string,
    private readonly config: OnnxConfig,
    private readonly prompt: OnnxPrompt,
    private readonly session: ort.InferenceSession,
    private readonly exportDir: string,
  ) {
    this.acceptsImages = config.is_vl;
  }

  static async load(exportDir: string, options: OnnxScorerOptions = {}): Promise<OnnxRewardScorer> {
    const config = readOnnxConfig(exportDir);
    const tokenizer = BpeTokenizer.fromFile(path.join(exportDir, config.tokenizer_file));
    const prompt = new OnnxPrompt(config, tokenizer);
    checkTokenizer(prompt, config, exportDir);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path.join(exportDir, config.model_file), {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
      });
    } catch (error) {
      throw new StudioError('bad_file', `onnxruntime cannot load ${path.join(exportDir, config.model_file)}: ${(error as Error).message}`, 'Export the model again; if it persists, score this checkpoint with the Python worker.');
    }
    return new OnnxRewardScorer(options.label ?? path.basename(path.resolve(exportDir)), config, prompt, session, exportDir);
  }

  async score(items: ScoreItem[]): Promise<number[][]> {
    return (await this.scoreWithResizes(items)).scores;
  }

  /**
   * Like `score`, and for each item the resize its image underwent away from the checkpoint's own
   * resolution to the export's fixed grid (null when none: no image, or one the checkpoint also sees
   * at the grid). Scores of a resized image differ from the checkpoint's (image-resize-notice.ts).
   */
  async scoreWithResizes(items: ScoreItem[]): Promise<{ scores: number[][]; resized: (ImageResize | null)[] }> {
    if (this.closed) throw new StudioError('invalid_input', `the ONNX model ${this.label} was closed`, 'Load the export again.');
    const out: number[][] = [];
    const resized: (ImageResize | null)[] = [];
    for (const [index, item] of items.entries()) {
      if (item.responses.length === 0) {
        out.push([]);
        resized.push(null);
        continue;
      }
      if (item.rendered) {
        // Splitting a rendered text needs the tokenizer's chat template at run time, which only the worker has.
        throw new StudioError('invalid_input', `item ${index + 1} is a text already rendered by the chat template, which the ONNX export ${this.label} cannot split into prompt and response`, 'Serve the checkpoint or merged export the ONNX file was made from (the Python worker), or send the conversation as `messages`.');
      }
      if (itemImages(item).length > 0 && !this.config.is_vl) {
        throw new StudioError('invalid_input', `item ${index + 1} has an image but the ONNX export ${this.label} is text-only`, 'Remove the image, or score with a vision-language model.');
      }
      const prompt = item.conversation ? this.conversationPrompt(item.conversation, index) : { prefix: this.prompt.prefixIds(item.query, item.image !== null), image: item.image };
      const scored = await this.scoreOne(prompt.prefix, prompt.image, item.responses);
      out.push(scored.scores);
      resized.push(scored.resized);
    }
    return { scores: out, resized };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }

  /** The conversation's prompt ids, or an error saying why this export cannot render it. */
  private conversationPrompt(conversation: ScoreConversation, index: number): { prefix: number[]; image: Buffer | null } {
    const problem = this.prompt.conversationProblem(conversation);
    if (problem === null) return { prefix: this.prompt.conversationIds(conversation.messages), image: conversation.images[0] ?? null };
    const single = singleUserTurn(conversation);
    if (single) return { prefix: this.prompt.prefixIds(single.query, single.image !== null), image: single.image };
    const roles = conversation.messages.map((message) => message.role).join(', ');
    const tools = conversation.tools ? ` and ${conversation.tools.length} tool definition(s)` : '';
    throw new StudioError(
      'invalid_input',
      `item ${index + 1} is a conversation (${roles}${tools}) the ONNX export ${this.label} cannot render as the model's chat template does: ${problem}`,
      'Score it with the Python worker: serve or evaluate the checkpoint itself instead of its ONNX export.',
    );
  }

  private async scoreOne(prefix: number[], picture: Buffer | null, responses: string[]): Promise<{ scores: number[]; resized: ImageResize | null }> {
    const rows = this.prompt.encodeRows(prefix, responses);
    const dims = [rows.rows, rows.length];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', rows.inputIds, dims),
      attention_mask: new ort.Tensor('int64', rows.attentionMask, dims),
    };
    const image = this.config.image;
    let resized: ImageResize | null = null;
    if (this.config.is_vl && image && rows.positionIds) {
      feeds.position_ids = new ort.Tensor('int64', rows.positionIds, [3, ...dims]);
      const patches = image.grid_thw[1] * image.grid_thw[2];
      const decoded = picture ? await decodeRgb(picture) : null;
      if (decoded) resized = imageResize(decoded, image);
      // Without an image no <|image_pad|> token reads the pixels: zeros keep the graph's input shape.
      const pixels = decoded ? pixelValues(decoded, image) : new Float32Array(patches * image.patch_dim);
      feeds.pixel_values = new ort.Tensor('float32', pixels, [patches, image.patch_dim]);
    }
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run(feeds);
    } catch (error) {
      throw new StudioError('internal', `onnxruntime failed on the export ${this.exportDir}: ${(error as Error).message}`, 'Score this checkpoint with the Python worker and report the export that failed.');
    }
    const rewards = result.rewards as ort.Tensor;
    return { scores: Array.from(rewards.data as Float32Array), resized };
  }
}

/**
 * One user message without tools, its text parts after at most one leading image: exactly the layout
 * the worker gives a query and its image (conversation.single_turn), so the export scores it as such.
 */
export function singleUserTurn(conversation: ScoreConversation): { query: string; image: Buffer | null } | null {
  const [only, ...rest] = conversation.messages;
  if (!only || rest.length > 0 || only.role !== 'user' || (conversation.tools && conversation.tools.length > 0)) return null;
  if (typeof only.content === 'string') return conversation.images.length === 0 ? { query: only.content, image: null } : null;
  const leading = only.content[0]?.type === 'image' ? 1 : 0;
  const texts = only.content.slice(leading);
  if (texts.some((part) => part.type !== 'text') || conversation.images.length !== leading) return null;
  return { query: texts.map((part) => (part.type === 'text' ? part.text : '')).join(''), image: conversation.images[0] ?? null };
}

/** The export carries ids the Python tokenizer gave for a probe; a different tokenization would score other tokens. */
function checkTokenizer(prompt: OnnxPrompt, config: OnnxConfig, exportDir: string): void {
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const probe = config.probe;
  const ok = same(prompt.prefixIds(probe.query, false), probe.prefix_ids) && probe.responses.every((r, i) => same(prompt.responseIds(r), probe.response_ids[i] ?? []));
  if (!ok) {
    throw new StudioError('bad_file', `the studio's tokenizer does not reproduce the Python tokenizer's ids for ${exportDir}`, 'This tokenizer is not supported for ONNX scoring; score the checkpoint with the Python worker.');
  }
}
