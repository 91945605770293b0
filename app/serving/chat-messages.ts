/**
 * OpenAI-style chat messages (what RL trainers and chat clients send) → the studio's conversation
 * shape (app/store/types.ts `PromptMessage`), which the worker renders through the model's chat template.
 *
 *   developer                          → system
 *   assistant {content, tool_calls}    → assistant {content} (when it has text), then one tool_call
 *                                        message per call, content `{"name", "arguments"}` as JSON text
 *                                        (arguments sent as a JSON string are parsed back into the object)
 *   {"type": "image_url", ...} and
 *   {"type": "image", "image": ...}    → {"type": "image"} where it stands, its bytes in `images`
 *
 * Images must be inline (a data URL or bare base64): the API reads no files and fetches no URLs.
 */
import { StudioError } from '../errors';
import type { ScoreContentPart, ScoreConversation, ScoreMessage } from '../scoring/reward-scorer';
import { decodeScoreImage } from '../scoring/score-image';
import { MAX_CONVERSATION_IMAGES } from '../scoring/score-limits';
import type { ChatMessage } from './request-bodies';

type ChatPart = Exclude<NonNullable<ChatMessage['content']>, string>[number];

/** Maps and checks a validated `messages` list; `field` names it in errors (`messages`, `items.3.messages`). */
export async function toConversation(messages: ChatMessage[], tools: Record<string, unknown>[] | null | undefined, field: string): Promise<ScoreConversation> {
  const out: ScoreMessage[] = [];
  const images: Buffer[] = [];
  for (const [index, message] of messages.entries()) {
    const where = `${field}.${index}`;
    if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) {
      if (hasContent(message.content)) out.push({ role: 'assistant', content: await toContent(message.content, `${where}.content`, images) });
      for (const call of message.tool_calls) out.push({ role: 'tool_call', content: JSON.stringify({ name: call.function.name, arguments: callArguments(call.function.arguments) }) });
      continue;
    }
    if (!hasContent(message.content)) {
      throw new StudioError('invalid_input', `${where}.content: missing (a ${message.role} message needs its text)`, 'Give every message its content (an assistant message may instead carry tool_calls).');
    }
    if (message.role === 'tool_call' && typeof message.content !== 'string') {
      throw new StudioError('invalid_input', `${where}.content: a tool_call's content must be the call as JSON text`, 'Send {"name": ..., "arguments": {...}} as a string, or use an assistant message with tool_calls.');
    }
    out.push({ role: message.role === 'developer' ? 'system' : message.role, content: await toContent(message.content, `${where}.content`, images) });
  }
  return { messages: out, tools: tools && tools.length > 0 ? tools : null, images };
}

/** The text of the last user message: what the item is called where only a query fits. */
export function lastUserText(messages: readonly ScoreMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as ScoreMessage;
    if (message.role !== 'user') continue;
    return typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
  return '';
}

function hasContent(content: ChatMessage['content']): content is NonNullable<ChatMessage['content']> {
  return content !== null && content !== undefined && !(Array.isArray(content) && content.length === 0);
}

async function toContent(content: NonNullable<ChatMessage['content']>, where: string, images: Buffer[]): Promise<string | ScoreContentPart[]> {
  if (typeof content === 'string') return content;
  const parts: ScoreContentPart[] = [];
  for (const [index, part] of content.entries()) {
    if (part.type === 'text') {
      parts.push({ type: 'text', text: part.text });
      continue;
    }
    if (images.length >= MAX_CONVERSATION_IMAGES) {
      throw new StudioError('invalid_input', `${where}.${index}: more than ${MAX_CONVERSATION_IMAGES} images in one conversation`, 'Send fewer images per item.');
    }
    images.push(await inlineImage(part, `${where}.${index}`));
    parts.push({ type: 'image' });
  }
  return parts;
}

async function inlineImage(part: Exclude<ChatPart, { type: 'text' }>, where: string): Promise<Buffer> {
  const value = part.type === 'image' ? part.image : typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
  if (!value.startsWith('data:') && /^[a-z][\w+.-]*:\/\/|^[./~\\]|^[A-Za-z]:[\\/]/i.test(value)) {
    throw new StudioError('invalid_input', `${where}: the image is a URL or a file path; the API reads no files and fetches nothing`, 'Send the image inline as a data URL (data:image/png;base64,...) or bare base64.');
  }
  const bytes = await decodeScoreImage(value, where);
  if (!bytes) throw new StudioError('invalid_input', `${where}: the image is empty`, 'Send the image file’s bytes as a data URL.');
  return bytes;
}

/** Chat templates want arguments as an object; OpenAI sends them as JSON text. Text that is not an object stays text. */
function callArguments(value: string | Record<string, unknown> | undefined): unknown {
  if (value === undefined) return {};
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : value;
  } catch {
    return value;
  }
}
