/**
 * The worker's token layout for one item, rebuilt from onnx_config.json (collate.Encoder + the
 * full-concatenation layout of model.full_layout): the chat prompt rendered at export time with the
 * query substituted and <|image_pad|> expanded to the image's token count, then each response +
 * end token tokenized on its own and appended. Rows are right-padded with the pad id.
 *
 * A conversation is put together from the template's per-role pieces (onnx_config.json
 * `conversation`, cut and verified at export by workers/reward_studio/onnx_conversation.py, whose
 * render_with_layout this mirrors); `conversationProblem` says why one cannot be, and the scorer refuses it.
 */
import { StudioError } from '../errors';
import type { ScoreConversation, ScoreMessage } from '../scoring/reward-scorer';
import type { BpeTokenizer } from './bpe-tokenizer';
import { mropePositions } from './mrope-positions';
import type { OnnxConfig, OnnxConversationLayout } from './onnx-config';

export interface EncodedRows {
  rows: number;
  length: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** [3, rows, length] for VL exports; null for text-only ones. */
  positionIds: BigInt64Array | null;
}

export class OnnxPrompt {
  /** False when this tokenizer does not reproduce the export's conversation probe: conversations are refused. */
  readonly conversationsVerified: boolean;

  constructor(
    private readonly config: OnnxConfig,
    private readonly tokenizer: BpeTokenizer,
  ) {
    const probe = config.conversation?.probe;
    this.conversationsVerified = probe !== undefined && sameIds(this.conversationIds(probe.messages as ScoreMessage[]), probe.prefix_ids);
  }

  prefixIds(query: string, withImage: boolean): number[] {
    const side = withImage ? this.config.prompt.one_image : this.config.prompt.no_image;
    if (!side) throw new StudioError('invalid_input', 'this ONNX export is text-only and cannot take an image', 'Remove the image, or export a vision-language checkpoint.');
    let text = side.before + query + side.after;
    if (withImage) {
      const pad = this.config.image_pad_text ?? '<|image_pad|>';
      const count = this.config.image?.image_tokens ?? 0;
      // Only the template's own placeholder is expanded: it sits in `before`/`after`, never in the query.
      const expand = (part: string) => part.split(pad).join(pad.repeat(count));
      text = expand(side.before) + query + expand(side.after);
    }
    return this.tokenizer.encode(text);
  }

  /** Why this export cannot render `conversation` as the worker would, or null when it can. */
  conversationProblem(conversation: ScoreConversation): string | null {
    const layout = this.config.conversation;
    if (!layout) return 'this export has no conversation layout (it was exported before conversations, or its chat template does not come apart into per-role pieces)';
    if (!this.conversationsVerified) return "the studio's rendering of this export's chat template does not reproduce the Python tokenizer's ids";
    if (conversation.tools && conversation.tools.length > 0) return 'it has tool definitions; the export renders system, user and assistant messages only';
    const messages = conversation.messages;
    const other = messages.find((message) => !layout.roles.includes(message.role));
    if (other) return `it has a ${other.role} message; the export renders system, user and assistant messages only`;
    const first = messages[0];
    const last = messages[messages.length - 1];
    if (!first || !last) return 'it has no messages';
    if (layout.end[last.role] === undefined) return `it ends with a ${last.role} message; the responses must follow a user message`;
    if (layout.start[first.role] === undefined) return `the chat template does not accept a ${first.role} message first`;
    for (let i = 1; i < messages.length; i += 1) {
      const before = (messages[i - 1] as ScoreMessage).role;
      const after = (messages[i] as ScoreMessage).role;
      if (layout.between[before]?.[after] === undefined) return `the chat template does not accept a ${after} message after a ${before} message`;
    }
    if (conversation.images.length > 1) return `it has ${conversation.images.length} images; the export takes one per item`;
    if (conversation.images.length === 1 && layout.image_part === undefined) return 'it has an image but the export is text-only';
    return null;
  }

  /** The prompt ids of a conversation `conversationProblem` accepts (its image, if any, expanded to the export's token count). */
  conversationIds(messages: readonly ScoreMessage[]): number[] {
    const layout = this.config.conversation as OnnxConversationLayout;
    const pad = this.config.image_pad_text ?? '<|image_pad|>';
    // Only the template's own image placeholder is expanded: a pad typed into a message stays one token, as in Python.
    const image = (layout.image_part ?? '').split(pad).join(pad.repeat(this.config.image?.image_tokens ?? 0));
    const content = (value: ScoreMessage['content']) => (typeof value === 'string' ? value : value.map((part) => (part.type === 'image' ? image : part.text)).join(''));
    const first = messages[0] as ScoreMessage;
    let text = (layout.start[first.role] as string) + content(first.content);
    for (let i = 1; i < messages.length; i += 1) {
      const message = messages[i] as ScoreMessage;
      text += (layout.between[(messages[i - 1] as ScoreMessage).role]?.[message.role] as string) + content(message.content);
    }
    return this.tokenizer.encode(text + (layout.end[(messages[messages.length - 1] as ScoreMessage).role] as string));
  }

  responseIds(response: string): number[] {
    return this.tokenizer.encode(response + this.config.end_text);
  }

  /** Rows for one item, truncating responses as the worker does (the end token is always kept). */
  encode(query: string, responses: readonly string[], withImage: boolean): EncodedRows {
    return this.encodeRows(this.prefixIds(query, withImage), responses);
  }

  /** Rows of prompt `prefix` + each response, right-padded. */
  encodeRows(prefix: readonly number[], responses: readonly string[]): EncodedRows {
    const budget = this.config.max_length - prefix.length;
    if (budget < 2) {
      throw new StudioError('invalid_input', `the prompt is ${prefix.length} tokens, which leaves no room for a response within this export's max_length of ${this.config.max_length}`, 'Shorten the query or the conversation.');
    }
    const rows = responses.map((response) => {
      let ids = this.responseIds(response);
      if (ids.length > budget) ids = [...ids.slice(0, budget - 1), ids[ids.length - 1] as number];
      return [...prefix, ...ids];
    });
    // Not Math.max(...): a spread of an unbounded array can overflow the stack.
    const length = rows.reduce((longest, row) => Math.max(longest, row.length), 0);
    const n = rows.length;
    const inputIds = new BigInt64Array(n * length).fill(BigInt(this.config.pad_id));
    const attentionMask = new BigInt64Array(n * length);
    const positionIds = this.config.is_vl ? new BigInt64Array(3 * n * length) : null;
    rows.forEach((row, r) => {
      for (let j = 0; j < row.length; j += 1) {
        inputIds[r * length + j] = BigInt(row[j] as number);
        attentionMask[r * length + j] = 1n;
      }
      if (positionIds && this.config.image && this.config.image_token_id !== undefined) {
        const axes = mropePositions(row, this.config.image_token_id, this.config.image.grid_thw, this.config.spatial_merge_size ?? 2);
        // Padding keeps position 0 (get_rope_index leaves it so); the reward is read before it.
        axes.forEach((axis, a) => {
          for (let j = 0; j < row.length; j += 1) positionIds[(a * n + r) * length + j] = BigInt(axis[j] as number);
        });
      }
    });
    return { rows: n, length, inputIds, attentionMask, positionIds };
  }
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
