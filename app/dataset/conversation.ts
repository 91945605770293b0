/**
 * The canonical conversation every reader maps into: a list of `PromptMessage`s (roles system,
 * user, assistant, tool_call, tool; content a string or text/image parts, images where they stand)
 * followed by the responses being judged. Format modules (app/dataset/formats/) only say where a
 * row keeps these things; the rules shared by all of them live here, once.
 */
import { createHash } from 'node:crypto';
import type { PromptContentPart, PromptMessage, Ranking } from '../store/types';
import { isRecord, RowError, type ImageSource, type ParsedRow, type RowJudgment } from './parsed-row';

/** The role names other tools write, mapped onto the studio's five. */
const ROLE_ALIASES: Record<string, string> = {
  system: 'system',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  gpt: 'assistant',
  bot: 'assistant',
  model: 'assistant',
  tool_call: 'tool_call',
  function_call: 'tool_call',
  tool: 'tool',
  tool_response: 'tool',
  observation: 'tool',
  function: 'tool',
  ipython: 'tool',
};

export const IMAGE_TOKEN = '<image>';

/** Which keys hold a message's role and text (LLaMA-Factory's `tags`: from/value, role/content…). */
export interface MessageTags {
  role: string;
  content: string;
  /** Extra role names mapped onto canonical roles (e.g. dataset_info.json's `user_tag: "human"`). */
  roles?: Record<string, string>;
}

export const ROLE_CONTENT: MessageTags = { role: 'role', content: 'content' };
export const FROM_VALUE: MessageTags = { role: 'from', content: 'value' };

/** A message's role in canonical form; unknown roles are refused with the names we know. */
export function canonicalRole(role: string, where: string, extra?: Record<string, string>): string {
  const mapped = extra?.[role] ?? ROLE_ALIASES[role.toLowerCase()];
  if (mapped === undefined) {
    throw new RowError(
      `${where} has the role "${role}"; use one of system, user, assistant, tool_call, tool (or human/gpt, function_call/observation)`,
    );
  }
  return mapped;
}

/** Messages read from a row, plus the images their content parts carried inline (v1 `image_url` parts). */
export interface ReadMessages {
  messages: PromptMessage[];
  inlineImages: ImageSource[];
}

/**
 * Reads a message list written with any of the usual spellings: `{role, content}` or
 * `{from, value}` (or the keys `tags` names), content a string or a list of parts
 * (`{type: "text", text|value}`, `{type: "image"}`, `{type: "image_url", image_url|value}`).
 */
export function readMessageList(value: unknown, field: string, tags?: MessageTags): ReadMessages {
  if (!Array.isArray(value)) throw new RowError(`field "${field}" must be a list of messages`);
  const inlineImages: ImageSource[] = [];
  const messages = value.map((raw: unknown, index): PromptMessage => {
    const where = `${field}[${index}]`;
    return readMessage(raw, where, tags ?? guessTags(raw), inlineImages);
  });
  return { messages, inlineImages };
}

/** One message (also used for a sharegpt `chosen: {from, value}` that is a single message). */
export function readMessage(raw: unknown, where: string, tags: MessageTags, inlineImages: ImageSource[] = []): PromptMessage {
  if (!isRecord(raw)) throw new RowError(`${where} must be a message object like {"role": ..., "content": ...}`);
  const role = raw[tags.role];
  if (typeof role !== 'string') {
    throw new RowError(`${where} has no "${tags.role}"; every message needs its speaker (e.g. {"${tags.role}": "user", "${tags.content}": ...})`);
  }
  return { role: canonicalRole(role, where, tags.roles), content: readContent(raw[tags.content], `${where}.${tags.content}`, inlineImages) };
}

/** `{from, value}` when a message has `from` and no `role`; otherwise `{role, content}`. */
export function guessTags(raw: unknown): MessageTags {
  return isRecord(raw) && !('role' in raw) && 'from' in raw ? FROM_VALUE : ROLE_CONTENT;
}

function readContent(content: unknown, where: string, inlineImages: ImageSource[]): string | PromptContentPart[] {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) throw new RowError(`${where} must be text or a list of content parts`);
  return content.map((part: unknown, index): PromptContentPart => {
    const at = `${where}[${index}]`;
    if (!isRecord(part)) throw new RowError(`${at} must be a content part like {"type": "text", "text": ...}`);
    if (part.type === 'text') {
      const text = part.text ?? part.value;
      if (typeof text !== 'string') throw new RowError(`${at} is a text part without "text"`);
      return { type: 'text', text };
    }
    if (part.type === 'image' || part.type === 'image_url') {
      const source = imageOfPart(part);
      if (source !== null) inlineImages.push({ kind: 'path', path: source });
      return { type: 'image' };
    }
    const type = typeof part.type === 'string' ? `"${part.type}"` : 'without a type';
    throw new RowError(`${at} is a part ${type}; only {"type": "text", "text": ...} and {"type": "image"} are supported`);
  });
}

/** The path or URL an image part names itself (v1 `value`, OpenAI `image_url.url`), or null. */
function imageOfPart(part: Record<string, unknown>): string | null {
  const candidates = [part.value, part.image, part.path, isRecord(part.image_url) ? part.image_url.url : part.image_url];
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate !== '') return candidate;
  return null;
}

/**
 * Turns `<image>` placeholders in text into image parts, where they stand (LLaMA-Factory,
 * ms-swift, LLaVA). With images but no placeholder anywhere, the images go before the first user
 * turn's text, which is where those tools put them too. A count that does not match is an error.
 */
export function placeImageTokens(messages: PromptMessage[], imageCount: number): PromptMessage[] {
  const tokens = messages.reduce((n, message) => n + countTokens(message.content), 0);
  const parts = countImageParts(messages);
  if (tokens === 0 && parts === 0 && imageCount > 0) {
    const first = messages.findIndex((message) => message.role === 'user');
    if (first === -1) throw new RowError(`the row has ${imageCount} image(s) but no user turn to show them in`);
    return messages.map((message, index) => (index === first ? withLeadingImages(message, imageCount) : message));
  }
  if (tokens + parts !== imageCount) {
    throw new RowError(
      `the conversation has ${tokens + parts} <image> placeholder(s) but the row lists ${imageCount} image(s); give one image per placeholder`,
    );
  }
  if (tokens === 0) return messages;
  return messages.map((message) => ({ role: message.role, content: splitImageTokens(message.content) }));
}

function countTokens(content: string | PromptContentPart[]): number {
  const texts = typeof content === 'string' ? [content] : content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
  return texts.reduce((n, text) => n + text.split(IMAGE_TOKEN).length - 1, 0);
}

function splitImageTokens(content: string | PromptContentPart[]): string | PromptContentPart[] {
  const parts = typeof content === 'string' ? [{ type: 'text', text: content } as PromptContentPart] : content;
  if (!parts.some((part) => part.type === 'text' && part.text.includes(IMAGE_TOKEN))) return content;
  const out: PromptContentPart[] = [];
  for (const part of parts) {
    if (part.type !== 'text') {
      out.push(part);
      continue;
    }
    part.text.split(IMAGE_TOKEN).forEach((text, index) => {
      if (index > 0) out.push({ type: 'image' });
      // LLaVA writes "<image>\nDescribe…": the newline only separated the token from the text.
      const cleaned = index > 0 ? text.replace(/^\n/, '') : text;
      if (cleaned !== '') out.push({ type: 'text', text: cleaned });
    });
  }
  return out;
}

function withLeadingImages(message: PromptMessage, count: number): PromptMessage {
  const images = Array.from({ length: count }, (): PromptContentPart => ({ type: 'image' }));
  const rest: PromptContentPart[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  return { role: message.role, content: [...images, ...rest] };
}

export function countImageParts(messages: PromptMessage[]): number {
  return messages.reduce(
    (count, message) => count + (typeof message.content === 'string' ? 0 : message.content.filter((part) => part.type === 'image').length),
    0,
  );
}

/** The text of a message's content (text parts joined; image parts left out). */
export function contentText(content: string | PromptContentPart[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

export function lastUserText(messages: PromptMessage[]): string {
  const user = [...messages].reverse().find((message) => message.role === 'user');
  return user === undefined ? '' : contentText(user.content);
}

export function sharedPrefixLength(a: PromptMessage[], b: PromptMessage[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && JSON.stringify(a[shared]) === JSON.stringify(b[shared])) shared++;
  return shared;
}

/**
 * Splits two full conversations into their shared prompt and the two differing completions (an
 * implicit prompt: TRL, ms-swift `rejected_messages`, LLaVA `rejected_conversations`). The last
 * message is the completion even when both sides are identical, so that case is reported as such.
 */
export function splitSharedPrompt(
  chosen: PromptMessage[],
  rejected: PromptMessage[],
  fields: [string, string] = ['chosen', 'rejected'],
): { prompt: PromptMessage[]; chosen: string; rejected: string } {
  const shared = Math.min(sharedPrefixLength(chosen, rejected), Math.min(chosen.length, rejected.length) - 1);
  return {
    prompt: chosen.slice(0, Math.max(0, shared)),
    chosen: completionText(chosen.slice(Math.max(0, shared)), fields[0]),
    rejected: completionText(rejected.slice(Math.max(0, shared)), fields[1]),
  };
}

/** The one assistant message after the prompt, as text. */
export function completionText(tail: PromptMessage[], field: string): string {
  const only = tail[0];
  if (tail.length !== 1 || only === undefined || only.role !== 'assistant') {
    const found = tail.length === 0 ? 'nothing' : tail.map((message) => message.role).join(', ');
    throw new RowError(
      `"${field}" must end with exactly one assistant message after the prompt (found ${found}); multi-turn completions are not supported`,
    );
  }
  return contentText(only.content);
}

/**
 * True when the prompt is exactly what the studio would write from (query, images): one user
 * turn, images first then the text. Anything richer is kept verbatim so exports are lossless.
 */
export function isSimplePrompt(prompt: PromptMessage[], query: string, imageCount: number): boolean {
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

/** What a format module found in one row, before the shared checks. */
export interface ConversationRow {
  /** The row's own id, or null to derive one from the content. */
  id: string | null;
  /** Prefix of a derived id (`trl-…`, `lf-…`): says where an id-less row came from. */
  idPrefix: string;
  prompt: PromptMessage[];
  responses: string[];
  ranking: Ranking | null;
  images: ImageSource[];
  judgments?: RowJudgment[];
  tools?: unknown[] | null;
  margin?: number | null;
  /** How the responses are called in the source, for messages (`chosen`, `rejected`). */
  responseNames?: string[];
}

/** The shared checks and the canonical item: every format module ends here. */
export function conversationItem(row: ConversationRow): ParsedRow {
  if (!row.prompt.some((message) => message.role === 'user')) {
    throw new RowError('no user message before the responses; the conversation must contain at least one user turn');
  }
  const imageParts = countImageParts(row.prompt);
  if (imageParts > 0 && imageParts !== row.images.length) {
    throw new RowError(
      `the prompt has ${imageParts} image ${imageParts === 1 ? 'part' : 'parts'} but "images" lists ${row.images.length} ${row.images.length === 1 ? 'path' : 'paths'}; give one path per {"type": "image"} part`,
    );
  }
  row.responses.forEach((text, index) => {
    const name = row.responseNames?.[index];
    if (text.trim() === '') throw new RowError(`${name === undefined ? `response ${index + 1}` : `"${name}" response`} is empty; every response needs text`);
  });
  if (row.responses.length < 2) throw new RowError(`the row has ${row.responses.length} response(s); a preference needs at least 2`);
  if (row.responses.length === 2 && row.responses[0] === row.responses[1] && row.ranking !== null) {
    throw new RowError('"chosen" and "rejected" are the same text, so there is no preference; drop the row or fix one side');
  }
  const query = lastUserText(row.prompt);
  return {
    id: row.id ?? contentId(row.idPrefix, row.prompt, row.responses, row.images),
    query,
    prompt: isSimplePrompt(row.prompt, query, row.images.length) ? null : row.prompt,
    images: row.images,
    responses: row.responses,
    ranking: row.ranking,
    ...(row.judgments === undefined ? {} : { judgments: row.judgments }),
    tools: row.tools ?? null,
    margin: row.margin ?? null,
  };
}

/** Rows without an id get one from their content, so re-importing the same file finds them again. */
export function contentId(prefix: string, prompt: PromptMessage[], responses: string[], images: ImageSource[]): string {
  const digest = createHash('sha256').update(JSON.stringify([prompt, ...responses, images.map(imageKey)])).digest('hex');
  return `${prefix}-${digest.slice(0, 12)}`;
}

/** What identifies an image of a row before it is stored: its path as written, or its bytes' sha256. */
export function imageKey(image: ImageSource): string {
  return image.kind === 'path' ? image.path : createHash('sha256').update(image.bytes).digest('hex');
}

/** `tools` as LLaMA-Factory and ms-swift write it: a JSON string of a list, or the list itself. */
export function readTools(value: unknown, field = 'tools'): unknown[] | null {
  if (value === undefined || value === null || value === '') return null;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      throw new RowError(`field "${field}" is not valid JSON; give the tool definitions as a JSON list`);
    }
  }
  if (isRecord(parsed)) return [parsed];
  if (!Array.isArray(parsed)) throw new RowError(`field "${field}" must be a list of tool definitions`);
  return parsed.length === 0 ? null : parsed;
}

/** A per-pair margin column (OpenRLHF, TRL): a finite number, or absent. */
export function readMargin(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const margin: unknown = typeof value === 'bigint' ? Number(value) : value;
  if (typeof margin !== 'number' || !Number.isFinite(margin)) throw new RowError('field "margin" must be a number');
  return margin;
}
