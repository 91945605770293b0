import { createHash } from 'node:crypto';
import type { PromptContentPart, PromptMessage } from '../store/types';
import { isRecord, readId, readImageSources, RowError, type ImageSource, type ParsedRow } from './parsed-row';

/**
 * Validates one TRL preference row and turns it into an item with responses
 * [chosen, rejected] ranked [0, 1]. Accepted shapes:
 * - conversational, implicit prompt: `chosen`/`rejected` full message lists sharing a prefix;
 * - conversational, explicit prompt: `prompt` message list + one-message `chosen`/`rejected`;
 * - DPO strings: `prompt`, `chosen`, `rejected` as plain text.
 * Images: `{"type": "image"}` content parts in the prompt and an `images` list of paths.
 */
export function parseTrlRow(value: unknown): ParsedRow {
  if (!isRecord(value)) throw new RowError('each line must be a JSON object with "chosen" and "rejected"');
  if (value.chosen === undefined || value.chosen === null) throw new RowError('missing field "chosen"; give the preferred response');
  if (value.rejected === undefined || value.rejected === null) throw new RowError('missing field "rejected"; give the worse response');
  const images = readImageSources(value.images ?? value.image, value.images !== undefined ? 'images' : 'image');
  const conversation =
    typeof value.chosen === 'string' && typeof value.rejected === 'string'
      ? fromStrings(value.prompt, value.chosen, value.rejected)
      : fromMessages(value.prompt, value.chosen, value.rejected);
  const imageParts = countImageParts(conversation.prompt);
  if (imageParts > 0 && imageParts !== images.length) {
    throw new RowError(
      `the prompt has ${imageParts} image ${imageParts === 1 ? 'part' : 'parts'} but "images" lists ${images.length} ${images.length === 1 ? 'path' : 'paths'}; give one path per {"type": "image"} part`,
    );
  }
  const [chosen, rejected] = [conversation.chosen, conversation.rejected];
  if (chosen.trim() === '') throw new RowError('"chosen" response is empty; every response needs text');
  if (rejected.trim() === '') throw new RowError('"rejected" response is empty; every response needs text');
  if (chosen === rejected) throw new RowError('"chosen" and "rejected" are the same text, so there is no preference; drop the row or fix one side');
  const query = lastUserText(conversation.prompt);
  const id = readId(value) ?? contentId(conversation.prompt, chosen, rejected, images);
  return {
    id,
    query,
    prompt: isSimplePrompt(conversation.prompt, query, images.length) ? null : conversation.prompt,
    images,
    responses: [chosen, rejected],
    ranking: [0, 1],
  };
}

interface Conversation {
  prompt: PromptMessage[];
  chosen: string;
  rejected: string;
}

function fromStrings(prompt: unknown, chosen: string, rejected: string): Conversation {
  if (typeof prompt !== 'string') {
    throw new RowError('plain-text "chosen"/"rejected" need a "prompt" string (DPO format: prompt, chosen, rejected)');
  }
  return { prompt: [{ role: 'user', content: prompt }], chosen, rejected };
}

function fromMessages(prompt: unknown, chosenValue: unknown, rejectedValue: unknown): Conversation {
  const chosen = readMessages(chosenValue, 'chosen');
  const rejected = readMessages(rejectedValue, 'rejected');
  let promptMessages: PromptMessage[];
  let chosenTail: PromptMessage[];
  let rejectedTail: PromptMessage[];
  if (prompt !== undefined && prompt !== null) {
    promptMessages = readMessages(prompt, 'prompt');
    chosenTail = chosen;
    rejectedTail = rejected;
  } else {
    // The last message is the completion even when both sides are identical (reported below).
    const shared = Math.min(sharedPrefixLength(chosen, rejected), Math.min(chosen.length, rejected.length) - 1);
    promptMessages = chosen.slice(0, shared);
    chosenTail = chosen.slice(shared);
    rejectedTail = rejected.slice(shared);
  }
  if (!promptMessages.some((message) => message.role === 'user')) {
    throw new RowError('no user message before the responses; "chosen" and "rejected" must start with the same user prompt (or give "prompt")');
  }
  return {
    prompt: promptMessages,
    chosen: completionText(chosenTail, 'chosen'),
    rejected: completionText(rejectedTail, 'rejected'),
  };
}

function readMessages(value: unknown, field: string): PromptMessage[] {
  if (!Array.isArray(value)) {
    throw new RowError(`field "${field}" must be a list of {"role", "content"} messages${field === 'prompt' ? '' : ' or a string'}`);
  }
  return value.map((message: unknown, index): PromptMessage => {
    if (!isRecord(message) || typeof message.role !== 'string') {
      throw new RowError(`${field}[${index}] must be a message {"role": ..., "content": ...}`);
    }
    return { role: message.role, content: readContent(message.content, `${field}[${index}]`) };
  });
}

function readContent(content: unknown, where: string): string | PromptContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new RowError(`${where}.content must be a string or a list of content parts`);
  return content.map((part: unknown, index): PromptContentPart => {
    if (isRecord(part) && part.type === 'image') return { type: 'image' };
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
    const type = isRecord(part) && typeof part.type === 'string' ? `"${part.type}"` : 'without a type';
    throw new RowError(`${where}.content[${index}] is a part ${type}; only {"type": "text", "text": ...} and {"type": "image"} are supported`);
  });
}

function sharedPrefixLength(a: PromptMessage[], b: PromptMessage[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && JSON.stringify(a[shared]) === JSON.stringify(b[shared])) shared++;
  return shared;
}

function completionText(tail: PromptMessage[], field: string): string {
  const only = tail[0];
  if (tail.length !== 1 || only === undefined || only.role !== 'assistant') {
    const found = tail.length === 0 ? 'nothing' : tail.map((message) => message.role).join(', ');
    throw new RowError(
      `"${field}" must end with exactly one assistant message after the prompt (found ${found}); multi-turn completions are not supported`,
    );
  }
  return contentText(only.content);
}

function contentText(content: string | PromptContentPart[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

function lastUserText(prompt: PromptMessage[]): string {
  const user = [...prompt].reverse().find((message) => message.role === 'user');
  return user === undefined ? '' : contentText(user.content);
}

function countImageParts(prompt: PromptMessage[]): number {
  return prompt.reduce(
    (count, message) => count + (typeof message.content === 'string' ? 0 : message.content.filter((part) => part.type === 'image').length),
    0,
  );
}

/**
 * True when the prompt is exactly what the studio would write from (query, images): one user
 * turn, images first then the text. Anything richer is kept verbatim so TRL export is lossless.
 */
function isSimplePrompt(prompt: PromptMessage[], query: string, imageCount: number): boolean {
  const only = prompt[0];
  if (prompt.length !== 1 || only === undefined || only.role !== 'user') return false;
  if (typeof only.content === 'string') return only.content === query && imageCount === 0;
  const parts = only.content;
  const last = parts[parts.length - 1];
  return (
    parts.length === imageCount + 1 &&
    parts.slice(0, imageCount).every((part) => part.type === 'image') &&
    last !== undefined &&
    last.type === 'text' &&
    last.text === query
  );
}

/** Rows without an id get one from their content, so re-importing the same file finds them again. */
function contentId(prompt: PromptMessage[], chosen: string, rejected: string, images: ImageSource[]): string {
  const imageKeys = images.map((image) => (image.kind === 'path' ? image.path : createHash('sha256').update(image.bytes).digest('hex')));
  const digest = createHash('sha256').update(JSON.stringify([prompt, chosen, rejected, imageKeys])).digest('hex');
  return `trl-${digest.slice(0, 12)}`;
}
