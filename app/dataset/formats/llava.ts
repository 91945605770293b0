/**
 * LLaVA-style preference rows (POVID, LLaVA-RLHF descendants): `conversations` and
 * `rejected_conversations`, two `{from, value}` conversations (human / gpt) that share the
 * prompt and differ in the last answer, plus `image`, the one image path (`<image>\n` marks
 * where it stands in the first human turn).
 */
import { conversationItem, placeImageTokens, readMessageList, sharedPrefixLength, splitSharedPrompt } from '../conversation';
import { readId, readImageSources, RowError, type ParsedRow } from '../parsed-row';
import { looks, type FormatReader } from './format-reader';

const FIELDS: [string, string] = ['conversations', 'rejected_conversations'];

export const llavaReader: FormatReader = {
  name: 'llava',
  label: 'LLaVA / POVID (conversations + rejected_conversations)',
  fit: (row) => {
    if (row.rejected_conversations === undefined) return 0;
    return looks.messages(row.conversations) && looks.messages(row.rejected_conversations) ? 1 : 0.3;
  },
  parse: (row) => parseLlavaRow(row),
  consumedKeys: () => ['id', ...FIELDS, 'image', 'images'],
};

export function parseLlavaRow(row: Record<string, unknown>): ParsedRow {
  for (const field of FIELDS) {
    if (row[field] === undefined || row[field] === null) {
      throw new RowError(`missing field "${field}"; LLaVA preference rows give the chosen and the rejected conversation`);
    }
  }
  const chosen = readMessageList(row.conversations, FIELDS[0]).messages;
  const rejected = readMessageList(row.rejected_conversations, FIELDS[1]).messages;
  if (sharedPrefixLength(chosen, rejected) === 0) {
    throw new RowError('"conversations" and "rejected_conversations" must start with the same question; they differ from the first message');
  }
  const split = splitSharedPrompt(chosen, rejected, FIELDS);
  const field = row.image !== undefined && row.image !== null ? 'image' : 'images';
  const images = readImageSources(row[field], field);
  return conversationItem({
    id: readId(row),
    idPrefix: 'llava',
    prompt: placeImageTokens(split.prompt, images.length),
    responses: [split.chosen, split.rejected],
    ranking: [0, 1],
    images,
    responseNames: FIELDS,
  });
}
