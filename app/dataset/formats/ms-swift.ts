/**
 * ms-swift preference rows (DPO / RM; docs/source_en/Customization/Custom-dataset.md):
 * `messages` (system, user, assistant, `tool_call`, `tool_response`; the last assistant message
 * is the chosen answer) plus the rejected side as `rejected_response` (text, or a one-message
 * list) or `rejected_messages` (the whole rejected conversation). `images` match `<image>` tags;
 * `tools` is a JSON string; `margin` is kept. The query-response spelling (`system`, `query`,
 * `response`, `history`, `rejected_response`) is read too.
 *
 * `rejected_images` that differ from `images` describe a rejected sample shown other images:
 * our items compare responses to ONE prompt, so such a row is refused with that reason.
 * ms-swift KTO rows (`messages` + `label`) are unpaired data, read by the `unpaired` reader.
 */
import type { PromptMessage } from '../../store/types';
import {
  completionText,
  contentText,
  conversationItem,
  imageKey,
  placeImageTokens,
  readMargin,
  readMessage,
  readMessageList,
  readTools,
  ROLE_CONTENT,
  sharedPrefixLength,
  splitSharedPrompt,
} from '../conversation';
import { isRecord, readId, readImageSources, RowError, type ImageSource, type ParsedRow } from '../parsed-row';
import { looks, type FormatReader } from './format-reader';

const REJECTED_KEYS = ['rejected_response', 'rejected_messages', 'rejected_images'] as const;

export const msSwiftReader: FormatReader = {
  name: 'ms-swift',
  label: 'ms-swift (messages + rejected_response)',
  fit: (row) => {
    // `label` makes it a KTO row (unpaired data); `chosen_messages` a LLaMA-Factory v1 row.
    if (row.label !== undefined || row.chosen_messages !== undefined || !REJECTED_KEYS.some((key) => row[key] !== undefined && row[key] !== null)) return 0;
    if (looks.roleContent(row.messages)) return 1;
    if (typeof row.query === 'string' && typeof row.response === 'string') return 0.9;
    return 0.3;
  },
  parse: (row) => parseMsSwiftRow(row),
  consumedKeys: () => ['id', 'messages', ...REJECTED_KEYS, 'images', 'tools', 'margin', 'system', 'query', 'response', 'history'],
};

export function parseMsSwiftRow(row: Record<string, unknown>): ParsedRow {
  for (const kind of ['videos', 'audios'] as const) {
    if (Array.isArray(row[kind]) && (row[kind] as unknown[]).length > 0) {
      throw new RowError(`the row has ${kind}; the studio compares responses to text and images only`);
    }
  }
  const messages = conversation(row);
  const images = readImageSources(row.images, 'images');
  checkRejectedImages(row, images);
  const { prompt, chosen, rejected } = splitResponses(row, messages);
  return conversationItem({
    id: readId(row),
    idPrefix: 'swift',
    prompt: placeImageTokens(prompt, images.length),
    responses: [chosen, rejected],
    ranking: [0, 1],
    images,
    tools: readTools(row.tools),
    margin: readMargin(row.margin),
    responseNames: ['messages', row.rejected_messages !== undefined ? 'rejected_messages' : 'rejected_response'],
  });
}

/** `messages`, or the query-response spelling turned into messages. */
function conversation(row: Record<string, unknown>): PromptMessage[] {
  if (row.messages !== undefined && row.messages !== null) {
    const messages = readMessageList(row.messages, 'messages', ROLE_CONTENT).messages;
    if (typeof row.system === 'string' && row.system !== '' && messages[0]?.role !== 'system') {
      return [{ role: 'system', content: row.system }, ...messages];
    }
    return messages;
  }
  if (typeof row.query !== 'string' || typeof row.response !== 'string') {
    throw new RowError('missing field "messages"; ms-swift rows give the conversation as "messages" (ending with the chosen assistant answer)');
  }
  const messages: PromptMessage[] = [];
  if (typeof row.system === 'string' && row.system !== '') messages.push({ role: 'system', content: row.system });
  if (row.history !== undefined && row.history !== null) {
    if (!Array.isArray(row.history)) throw new RowError('field "history" must be a list of [query, response] pairs');
    row.history.forEach((pair: unknown, index) => {
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((text) => typeof text === 'string')) {
        throw new RowError(`history[${index}] must be a [query, response] pair of strings`);
      }
      messages.push({ role: 'user', content: pair[0] as string }, { role: 'assistant', content: pair[1] as string });
    });
  }
  messages.push({ role: 'user', content: row.query }, { role: 'assistant', content: row.response });
  return messages;
}

/** The prompt, the chosen answer (the last assistant message) and the rejected one. */
function splitResponses(row: Record<string, unknown>, messages: PromptMessage[]): { prompt: PromptMessage[]; chosen: string; rejected: string } {
  const hasResponse = row.rejected_response !== undefined && row.rejected_response !== null;
  const hasMessages = row.rejected_messages !== undefined && row.rejected_messages !== null;
  if (hasResponse && hasMessages) {
    throw new RowError('the row gives both "rejected_response" and "rejected_messages"; give one of them');
  }
  if (hasMessages) {
    const rejected = readMessageList(row.rejected_messages, 'rejected_messages', ROLE_CONTENT).messages;
    const shared = sharedPrefixLength(messages, rejected);
    if (shared < messages.length - 1 || shared < rejected.length - 1) {
      throw new RowError(
        `"rejected_messages" must repeat the conversation of "messages" and differ only in the last assistant answer; they differ from message ${shared + 1}`,
      );
    }
    return splitSharedPrompt(messages, rejected, ['messages', 'rejected_messages']);
  }
  const last = messages[messages.length - 1];
  if (last === undefined || last.role !== 'assistant') {
    throw new RowError(`"messages" must end with the chosen assistant answer; ${last === undefined ? 'it is empty' : `its last message has the role "${last.role}"`}`);
  }
  if (!hasResponse) {
    throw new RowError('the row has no "rejected_response" or "rejected_messages"; give the rejected answer to the same conversation');
  }
  return { prompt: messages.slice(0, -1), chosen: contentText(last.content), rejected: rejectedResponse(row.rejected_response) };
}

function rejectedResponse(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return completionText(readMessageList(value, 'rejected_response', ROLE_CONTENT).messages, 'rejected_response');
  if (isRecord(value)) return completionText([readMessage(value, 'rejected_response', ROLE_CONTENT)], 'rejected_response');
  throw new RowError('field "rejected_response" must be the rejected answer as text or as [{"role": "assistant", "content": ...}]');
}

function checkRejectedImages(row: Record<string, unknown>, images: ImageSource[]): void {
  if (row.rejected_images === undefined || row.rejected_images === null) return;
  const rejected = readImageSources(row.rejected_images, 'rejected_images');
  const same = rejected.length === images.length && rejected.every((image, index) => imageKey(image) === imageKey(images[index] as ImageSource));
  if (same) return;
  const list = (sources: ImageSource[]): string => (sources.length === 0 ? 'none' : sources.map(imageKey).join(', '));
  throw new RowError(
    `"rejected_images" (${list(rejected)}) differ from "images" (${list(images)}): the rejected answer was given for other images, and an item compares responses to one prompt with one set of images, so this row cannot be imported`,
  );
}
