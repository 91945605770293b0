import type { PromptMessage } from '../../store/types';
import {
  completionText,
  contentText,
  placeImageTokens,
  readMessageList,
  readTools,
  type MessageTags,
} from '../conversation';
import { readImageSources, RowError, type ImageSource } from '../parsed-row';
import { looks, type FormatReader, type ReadContext, type UnpairedRow } from './format-reader';

/**
 * Unpaired (KTO-style) rows, each one completion judged on its own (`label`: true = desirable):
 * - TRL standard: `prompt`, `completion` strings;
 * - TRL conversational: `prompt` message list, `completion` one assistant message (a list);
 * - LLaMA-Factory / ms-swift: `messages` (or `conversations`) whose last assistant message is the
 *   completion, plus `label` (LLaMA-Factory: the column its dataset_info.json `kto_tag` names);
 * - LLaMA-Factory alpaca with `kto_tag`: `instruction` (+ `input`), `output`, `history`, `system`.
 * Rows with the same prompt become one item after the file is read (unpaired-groups.ts).
 */
export const unpairedReader: FormatReader = {
  name: 'unpaired',
  label: 'Unpaired / KTO (prompt, completion, label)',
  fit: (row) => {
    const labeled = readLabelOrNull(row.label) !== null;
    if (row.completion !== undefined && row.prompt !== undefined) {
      const typed =
        (looks.string(row.prompt) && looks.string(row.completion)) ||
        (looks.messages(row.prompt) && (looks.messages(row.completion) || looks.string(row.completion)));
      if (!labeled) return 0.3;
      return typed ? 1 : 0.6;
    }
    const messages = row.messages ?? row.conversations;
    if (looks.messages(messages) && labeled) {
      // A chat with a verdict on its last turn: chosen/rejected readers never see a bare `label`.
      return endsWithAssistant(messages as unknown[]) ? 0.95 : 0.6;
    }
    return 0;
  },
  parse: (row, context) => parseUnpairedRow(row, context),
  consumedKeys: (context) => {
    const columns = context.columns ?? {};
    const mapped = ['messages', 'kto_tag', 'system', 'tools', 'images', 'prompt', 'query', 'response', 'history']
      .map((name) => columns[name])
      .filter((key): key is string => key !== undefined);
    return [...new Set(['id', 'prompt', 'completion', 'label', 'messages', 'conversations', 'images', 'tools', 'system', ...mapped])];
  },
};

export function parseUnpairedRow(row: Record<string, unknown>, context: ReadContext = {}): UnpairedRow {
  const columns = context.columns ?? {};
  const labelKey = columns.kto_tag ?? 'label';
  const desirable = readLabel(row[labelKey], labelKey);
  const imageKey = columns.images ?? 'images';
  const columnImages = readImageSources(row[imageKey], imageKey);
  const tools = readTools(row[columns.tools ?? 'tools'], columns.tools ?? 'tools');

  const messagesKey = columns.messages ?? (row.messages !== undefined ? 'messages' : row.conversations !== undefined ? 'conversations' : null);
  let read: { prompt: PromptMessage[]; completion: string; inlineImages: ImageSource[] };
  if (messagesKey !== null && row[messagesKey] !== undefined && row[messagesKey] !== null) {
    read = fromMessages(row[messagesKey], messagesKey, tagsOf(context.tags));
  } else if (row.completion !== undefined && row.completion !== null) {
    read = fromPromptCompletion(row.prompt, row.completion);
  } else if (columns.response !== undefined || (row.instruction !== undefined && row.output !== undefined)) {
    read = fromAlpaca(row, columns);
  } else {
    throw new RowError(
      `the row has neither "completion" nor "${messagesKey ?? 'messages'}"; an unpaired row is prompt + completion + label, or messages + label`,
    );
  }
  const systemKey = columns.system ?? 'system';
  const system = row[systemKey];
  let prompt = read.prompt;
  if (typeof system === 'string' && system.trim() !== '' && prompt[0]?.role !== 'system') {
    prompt = [{ role: 'system', content: system }, ...prompt];
  }
  const images = columnImages.length > 0 ? columnImages : read.inlineImages;
  if (images.length > 0) prompt = placeImageTokens(prompt, images.length);
  if (read.completion.trim() === '') throw new RowError('the completion is empty; every completion needs text');
  return { kind: 'unpaired', prompt, images, completion: read.completion, desirable, tools };
}

/** TRL: `prompt` text or messages, `completion` text or a one-assistant-message list. */
function fromPromptCompletion(prompt: unknown, completion: unknown): { prompt: PromptMessage[]; completion: string; inlineImages: ImageSource[] } {
  if (prompt === undefined || prompt === null) throw new RowError('missing field "prompt"; give the prompt the completion answers');
  let messages: PromptMessage[];
  const inlineImages: ImageSource[] = [];
  if (typeof prompt === 'string') {
    messages = [{ role: 'user', content: prompt }];
  } else if (Array.isArray(prompt)) {
    const read = readMessageList(prompt, 'prompt');
    messages = read.messages;
    inlineImages.push(...read.inlineImages);
  } else {
    throw new RowError('field "prompt" must be text or a list of {"role", "content"} messages');
  }
  let text: string;
  if (typeof completion === 'string') text = completion;
  else if (Array.isArray(completion)) text = completionText(readMessageList(completion, 'completion').messages, 'completion');
  else throw new RowError('field "completion" must be text or a list with one assistant message');
  return { prompt: messages, completion: text, inlineImages };
}

/** LLaMA-Factory / ms-swift: the conversation's last message is the completion being judged. */
function fromMessages(value: unknown, field: string, tags: MessageTags | undefined): { prompt: PromptMessage[]; completion: string; inlineImages: ImageSource[] } {
  const { messages, inlineImages } = readMessageList(value, field, tags);
  const last = messages[messages.length - 1];
  if (last === undefined || last.role !== 'assistant') {
    const found = last === undefined ? 'no messages' : `a ${last.role} message`;
    throw new RowError(`"${field}" must end with the assistant's completion being judged (found ${found} last)`);
  }
  return { prompt: messages.slice(0, -1), completion: contentText(last.content), inlineImages };
}

/** LLaMA-Factory alpaca: instruction (+ input) as the user turn, `history` pairs before it, `output` the completion. */
function fromAlpaca(row: Record<string, unknown>, columns: Record<string, string>): { prompt: PromptMessage[]; completion: string; inlineImages: ImageSource[] } {
  const promptKey = columns.prompt ?? 'instruction';
  const queryKey = columns.query ?? 'input';
  const responseKey = columns.response ?? 'output';
  const historyKey = columns.history ?? 'history';
  const instruction = row[promptKey];
  if (typeof instruction !== 'string') throw new RowError(`field "${promptKey}" must be the instruction text`);
  const query = row[queryKey];
  const user = typeof query === 'string' && query !== '' ? `${instruction}\n${query}` : instruction;
  const output = row[responseKey];
  if (typeof output !== 'string') throw new RowError(`field "${responseKey}" must be the completion text`);
  const prompt: PromptMessage[] = [];
  const history = row[historyKey];
  if (history !== undefined && history !== null) {
    if (!Array.isArray(history)) throw new RowError(`field "${historyKey}" must be a list of [instruction, response] pairs`);
    history.forEach((pair: unknown, index) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new RowError(`${historyKey}[${index}] must be an [instruction, response] pair of strings`);
      }
      prompt.push({ role: 'user', content: pair[0] }, { role: 'assistant', content: pair[1] });
    });
  }
  prompt.push({ role: 'user', content: user });
  return { prompt, completion: output, inlineImages: [] };
}

/**
 * dataset_info.json `tags` as message keys and role names. LLaMA-Factory's defaults fill what
 * an entry leaves out; with no tags at all, each message's own keys are read (role/content or from/value).
 */
export function tagsOf(tags: Record<string, string> | undefined): MessageTags | undefined {
  if (tags === undefined || Object.keys(tags).length === 0) return undefined;
  const roles: Record<string, string> = {};
  const named: [string | undefined, string][] = [
    [tags.user_tag ?? 'human', 'user'],
    [tags.assistant_tag ?? 'gpt', 'assistant'],
    [tags.system_tag ?? 'system', 'system'],
    [tags.observation_tag ?? 'observation', 'tool'],
    [tags.function_tag ?? 'function_call', 'tool_call'],
  ];
  for (const [name, role] of named) if (name !== undefined) roles[name] = role;
  return { role: tags.role_tag ?? 'from', content: tags.content_tag ?? 'value', roles };
}

/** `true`/`false`; also 1/0 and the strings "true"/"false" that CSV-born files carry. */
function readLabelOrNull(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return null;
}

function readLabel(value: unknown, field: string): boolean {
  if (value === undefined || value === null) {
    throw new RowError(`missing field "${field}"; give true (a desirable completion) or false (an undesirable one)`);
  }
  const label = readLabelOrNull(value);
  // The value's kind, not the value: rows failing this way then share one reason in the report.
  if (label === null) throw new RowError(`field "${field}" must be true (desirable) or false (undesirable), not ${kindOf(value)}`);
  return label;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'other text';
  if (typeof value === 'number') return 'another number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function endsWithAssistant(messages: unknown[]): boolean {
  const last = messages[messages.length - 1] as Record<string, unknown> | undefined;
  const role = last?.role ?? last?.from;
  return typeof role === 'string' && ['assistant', 'gpt', 'bot', 'model'].includes(role.toLowerCase());
}
