import type { PromptMessage } from '../../store/types';
import { completionText, conversationItem, readMargin, readMessageList, readTools, sharedPrefixLength, splitSharedPrompt } from '../conversation';
import { readId, readImageSources, RowError, type ParsedRow } from '../parsed-row';
import { keyShare, looks, type FormatReader } from './format-reader';

/**
 * TRL preference rows (seed 003, OpenRLHF), each an item with responses [chosen, rejected]
 * ranked [0, 1]:
 * - conversational, implicit prompt: `chosen`/`rejected` full message lists sharing a prefix;
 * - conversational, explicit prompt: `prompt` message list + one-message `chosen`/`rejected`;
 * - standard, explicit prompt: `prompt`, `chosen`, `rejected` as plain text;
 * - standard, implicit prompt: `chosen`/`rejected` strings sharing a prefix (the prompt).
 * Images: `{"type": "image"}` parts in the prompt and an `images` list. `margin` and `tools`
 * (a list, or its JSON text as the studio's TRL export writes it) are kept.
 */
export const trlReader: FormatReader = {
  name: 'trl',
  label: 'TRL preference (chosen / rejected)',
  fit: (row) => {
    if (row.chosen === undefined || row.rejected === undefined) return 0;
    const typed =
      (looks.string(row.chosen) && looks.string(row.rejected)) || (looks.roleContent(row.chosen) && looks.roleContent(row.rejected));
    if (!typed) return 0.3;
    // A prompt column (or a shared prefix) is what TRL rows have beyond the two responses.
    return 0.8 + 0.2 * keyShare(row, ['prompt']);
  },
  parse: (row) => parseTrlRow(row),
  consumedKeys: () => ['id', 'prompt', 'chosen', 'rejected', 'images', 'image', 'margin', 'tools'],
};

export function parseTrlRow(value: Record<string, unknown>): ParsedRow {
  if (value.chosen === undefined || value.chosen === null) throw new RowError('missing field "chosen"; give the preferred response');
  if (value.rejected === undefined || value.rejected === null) throw new RowError('missing field "rejected"; give the worse response');
  const images = readImageSources(value.images ?? value.image, value.images !== undefined ? 'images' : 'image');
  const conversation =
    typeof value.chosen === 'string' && typeof value.rejected === 'string'
      ? fromStrings(value.prompt, value.chosen, value.rejected)
      : fromMessages(value.prompt, value.chosen, value.rejected);
  return conversationItem({
    id: readId(value),
    idPrefix: 'trl',
    prompt: conversation.prompt,
    responses: [conversation.chosen, conversation.rejected],
    ranking: [0, 1],
    images,
    margin: readMargin(value.margin),
    tools: readTools(value.tools),
    responseNames: ['chosen', 'rejected'],
  });
}

interface Conversation {
  prompt: PromptMessage[];
  chosen: string;
  rejected: string;
}

function fromStrings(prompt: unknown, chosen: string, rejected: string): Conversation {
  if (prompt === undefined || prompt === null) return implicitStringPrompt(chosen, rejected);
  if (typeof prompt !== 'string') {
    throw new RowError('plain-text "chosen"/"rejected" need a "prompt" string (DPO format: prompt, chosen, rejected)');
  }
  return { prompt: [{ role: 'user', content: prompt }], chosen, rejected };
}

/**
 * TRL's standard implicit-prompt rows ("The sky is blue." / "The sky is green."): the prompt is
 * the shared start, cut back to a word boundary so a shared letter stays with its word.
 */
function implicitStringPrompt(chosen: string, rejected: string): Conversation {
  let shared = 0;
  while (shared < chosen.length && shared < rejected.length && chosen[shared] === rejected[shared]) shared++;
  while (shared > 0 && !/\s/.test(chosen[shared - 1] ?? '')) shared--;
  const prompt = chosen.slice(0, shared).trimEnd();
  if (prompt === '') {
    throw new RowError('plain-text "chosen"/"rejected" need a "prompt" string (DPO format: prompt, chosen, rejected)');
  }
  return { prompt: [{ role: 'user', content: prompt }], chosen: chosen.slice(prompt.length), rejected: rejected.slice(prompt.length) };
}

function fromMessages(prompt: unknown, chosenValue: unknown, rejectedValue: unknown): Conversation {
  const chosen = readList(chosenValue, 'chosen');
  const rejected = readList(rejectedValue, 'rejected');
  if (prompt !== undefined && prompt !== null) {
    return { prompt: readList(prompt, 'prompt'), chosen: completionText(chosen, 'chosen'), rejected: completionText(rejected, 'rejected') };
  }
  if (sharedPrefixLength(chosen, rejected) === 0) {
    throw new RowError('no user message before the responses; "chosen" and "rejected" must start with the same user prompt (or give "prompt")');
  }
  return splitSharedPrompt(chosen, rejected);
}

function readList(value: unknown, field: string): PromptMessage[] {
  if (!Array.isArray(value)) {
    throw new RowError(`field "${field}" must be a list of {"role", "content"} messages${field === 'prompt' ? '' : ' or a string'}`);
  }
  return readMessageList(value, field).messages;
}
