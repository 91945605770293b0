/**
 * The worker's token layout for one item, rebuilt from onnx_config.json (collate.Encoder + the
 * full-concatenation layout of model.full_layout): the chat prompt rendered at export time with the
 * query substituted and <|image_pad|> expanded to the image's token count, then each response +
 * end token tokenized on its own and appended. Rows are right-padded with the pad id.
 */
import { StudioError } from '../errors';
import type { BpeTokenizer } from './bpe-tokenizer';
import { mropePositions } from './mrope-positions';
import type { OnnxConfig } from './onnx-config';

export interface EncodedRows {
  rows: number;
  length: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** [3, rows, length] for VL exports; null for text-only ones. */
  positionIds: BigInt64Array | null;
}

export class OnnxPrompt {
  constructor(
    private readonly config: OnnxConfig,
    private readonly tokenizer: BpeTokenizer,
  ) {}

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

  responseIds(response: string): number[] {
    return this.tokenizer.encode(response + this.config.end_text);
  }

  /** Rows for one item, truncating responses as the worker does (the end token is always kept). */
  encode(query: string, responses: readonly string[], withImage: boolean): EncodedRows {
    const prefix = this.prefixIds(query, withImage);
    const budget = this.config.max_length - prefix.length;
    if (budget < 2) {
      throw new StudioError('invalid_input', `the prompt is ${prefix.length} tokens, which leaves no room for a response within this export's max_length of ${this.config.max_length}`, 'Shorten the query.');
    }
    const rows = responses.map((response) => {
      let ids = this.responseIds(response);
      if (ids.length > budget) ids = [...ids.slice(0, budget - 1), ids[ids.length - 1] as number];
      return [...prefix, ...ids];
    });
    const length = Math.max(...rows.map((row) => row.length));
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
