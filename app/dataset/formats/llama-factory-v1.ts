/**
 * LLaMA-Factory v1 preference rows (data/v1_dpo_demo.jsonl): `chosen_messages` and
 * `rejected_messages`, two full conversations whose content is a list of parts
 * (`{"type": "text", "value": ...}`, `{"type": "image_url", "value": "path"}`); each message may
 * carry a `loss_weight`, which only matters to training and is ignored. The shared start is the
 * prompt; the last assistant message of each side is its response.
 *
 * Image paths in LLaMA-Factory's own v1 files are relative to the LLaMA-Factory repository root
 * (`data/mllm_demo_data/1.jpg`); the studio resolves them from the data file's folder, like every
 * other format (FORMATS.md).
 */
import type { PromptMessage } from '../../store/types';
import { conversationItem, imageKey, readMessageList, sharedPrefixLength, splitSharedPrompt } from '../conversation';
import { readId, RowError, type ParsedRow } from '../parsed-row';
import { looks, type FormatReader } from './format-reader';

const FIELDS: [string, string] = ['chosen_messages', 'rejected_messages'];

export const llamaFactoryV1Reader: FormatReader = {
  name: 'llamafactory-v1',
  label: 'LLaMA-Factory v1 (chosen_messages / rejected_messages)',
  fit: (row) => {
    if (row.chosen_messages === undefined || row.rejected_messages === undefined) return 0;
    return looks.roleContent(row.chosen_messages) && looks.roleContent(row.rejected_messages) ? 1 : 0.3;
  },
  parse: (row) => parseV1Row(row),
  consumedKeys: () => ['id', ...FIELDS],
};

export function parseV1Row(row: Record<string, unknown>): ParsedRow {
  for (const field of FIELDS) {
    if (row[field] === undefined || row[field] === null) {
      throw new RowError(`missing field "${field}"; v1 preference rows give both full conversations, chosen_messages and rejected_messages`);
    }
  }
  const chosen = readMessageList(row.chosen_messages, FIELDS[0]);
  const rejected = readMessageList(row.rejected_messages, FIELDS[1]);
  chosen.messages = chosen.messages.map(plainText);
  rejected.messages = rejected.messages.map(plainText);
  if (sharedPrefixLength(chosen.messages, rejected.messages) === 0) {
    throw new RowError('"chosen_messages" and "rejected_messages" must start with the same prompt (system and user turns); they differ from the first message');
  }
  const split = splitSharedPrompt(chosen.messages, rejected.messages, FIELDS);
  // Image parts compare equal whatever file they name, so the paths are compared here.
  const promptImages = readMessageList((row.chosen_messages as unknown[]).slice(0, split.prompt.length), FIELDS[0]).inlineImages;
  const rejectedImages = readMessageList((row.rejected_messages as unknown[]).slice(0, split.prompt.length), FIELDS[1]).inlineImages;
  if (promptImages.map(imageKey).join('\n') !== rejectedImages.map(imageKey).join('\n')) {
    throw new RowError(
      '"chosen_messages" and "rejected_messages" show different images in the prompt; an item compares two answers to one prompt, so both sides must show the same images',
    );
  }
  for (const [index, side] of [chosen, rejected].entries()) {
    if (side.inlineImages.length > promptImages.length) {
      throw new RowError(`the answer in "${FIELDS[index] ?? ''}" contains an image; responses must be text`);
    }
  }
  return conversationItem({
    id: readId(row),
    idPrefix: 'lf1',
    prompt: split.prompt,
    responses: [split.chosen, split.rejected],
    ranking: [0, 1],
    images: promptImages,
    responseNames: FIELDS,
  });
}

/** v1 writes even plain text as parts; a message of one text part is stored as that text. */
function plainText(message: PromptMessage): PromptMessage {
  const only = typeof message.content === 'string' || message.content.length !== 1 ? undefined : message.content[0];
  return only?.type === 'text' ? { role: message.role, content: only.text } : message;
}
