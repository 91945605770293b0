/**
 * LLaMA-Factory's two dataset layouts for ranking (preference) data, as its converter
 * (src/llamafactory/data/converter.py) reads them. Column names come from a dataset_info.json
 * entry's `columns` when the import names one (`--dataset NAME`); otherwise the usual names are
 * looked for. Message keys and role names come from its `tags`.
 */
import type { PromptMessage } from '../../store/types';
import {
  contentText,
  conversationItem,
  guessTags,
  placeImageTokens,
  readMessage,
  readMessageList,
  readTools,
  type MessageTags,
} from '../conversation';
import { isRecord, readId, readImageSources, RowError, type ParsedRow } from '../parsed-row';
import { keyShare, looks, type FormatReader, type ReadContext } from './format-reader';

/** Alpaca columns (LLaMA-Factory's names → the keys looked for when dataset_info.json says nothing). */
const ALPACA_COLUMNS = {
  prompt: 'instruction',
  query: 'input',
  response: 'output',
  history: 'history',
  system: 'system',
  tools: 'tools',
  images: 'images',
  chosen: 'chosen',
  rejected: 'rejected',
};

/** Sharegpt columns; `messages` also falls back to `messages` when `conversations` is absent. */
const SHAREGPT_COLUMNS = {
  messages: 'conversations',
  system: 'system',
  tools: 'tools',
  images: 'images',
  chosen: 'chosen',
  rejected: 'rejected',
};

/** LLaMA-Factory's default sharegpt tags (DatasetAttr in data/parser.py). */
const DEFAULT_TAGS = {
  role_tag: 'from',
  content_tag: 'value',
  user_tag: 'human',
  assistant_tag: 'gpt',
  observation_tag: 'observation',
  function_tag: 'function_call',
  system_tag: 'system',
};

function alpacaColumns(context: ReadContext): typeof ALPACA_COLUMNS {
  return { ...ALPACA_COLUMNS, ...context.columns };
}

function sharegptColumns(context: ReadContext, row?: Record<string, unknown>): typeof SHAREGPT_COLUMNS {
  const columns = { ...SHAREGPT_COLUMNS, ...context.columns };
  if (context.columns?.messages === undefined && row !== undefined && row.conversations === undefined && row.messages !== undefined) {
    columns.messages = 'messages';
  }
  return columns;
}

/**
 * `formatting: "alpaca"` with `ranking: true`: `instruction` (+ `input`, joined by a newline as
 * LLaMA-Factory joins them), `chosen` / `rejected` strings (older files: `output` as
 * [chosen, rejected]), optional `system`, `history` ([[user, assistant], ...] earlier turns),
 * `tools` and `images` (`<image>` placeholders where they stand, else before the text).
 */
export const llamaFactoryAlpacaReader: FormatReader = {
  name: 'llamafactory-alpaca',
  label: 'LLaMA-Factory alpaca (instruction / chosen / rejected)',
  fit: (row) => {
    if (typeof row.instruction !== 'string') return 0;
    const pair = (looks.string(row.chosen) && looks.string(row.rejected)) || isStringPair(row.output);
    if (!pair) return row.chosen !== undefined || row.rejected !== undefined ? 0.3 : 0.1;
    return 0.95 + 0.05 * keyShare(row, ['input']);
  },
  parse: (row, context) => parseAlpacaRow(row, context),
  consumedKeys: (context) => ['id', ...Object.values(alpacaColumns(context))],
};

export function parseAlpacaRow(row: Record<string, unknown>, context: ReadContext): ParsedRow {
  const columns = alpacaColumns(context);
  const prompt: PromptMessage[] = [];
  const system = optionalText(row, columns.system);
  if (system !== '') prompt.push({ role: 'system', content: system });
  prompt.push(...readHistory(row[columns.history], columns.history));
  // LLaMA-Factory: "\n".join of the non-empty instruction and input.
  const text = [optionalText(row, columns.prompt), optionalText(row, columns.query)].filter((part) => part !== '').join('\n');
  if (text === '') {
    throw new RowError(`"${columns.prompt}" is missing or empty; every alpaca row needs the instruction it answers`);
  }
  prompt.push({ role: 'user', content: text });
  const [chosen, rejected] = alpacaResponses(row, columns);
  return preferencePair(row, columns, prompt, chosen, rejected);
}

function alpacaResponses(row: Record<string, unknown>, columns: typeof ALPACA_COLUMNS): [string, string] {
  const chosen = row[columns.chosen];
  const rejected = row[columns.rejected];
  if (chosen === undefined && rejected === undefined && Array.isArray(row[columns.response])) {
    const pair = row[columns.response] as unknown[];
    if (!isStringPair(pair)) {
      throw new RowError(`"${columns.response}" must be [chosen, rejected]: a list of exactly 2 strings (it has ${pair.length} entries)`);
    }
    return [pair[0] as string, pair[1] as string];
  }
  for (const [field, value] of [[columns.chosen, chosen], [columns.rejected, rejected]] as const) {
    if (value === undefined || value === null) {
      throw new RowError(`missing field "${field}"; alpaca ranking rows give "${columns.chosen}" and "${columns.rejected}" as text (or "${columns.response}": [chosen, rejected])`);
    }
    if (typeof value !== 'string') throw new RowError(`field "${field}" must be the response text (a string) in alpaca rows`);
  }
  return [chosen as string, rejected as string];
}

/** `history`: earlier turns as [[user, assistant], ...]. */
function readHistory(value: unknown, field: string): PromptMessage[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RowError(`field "${field}" must be a list of [user, assistant] pairs`);
  return value.flatMap((pair: unknown, index): PromptMessage[] => {
    if (!isStringPair(pair)) throw new RowError(`${field}[${index}] must be a [user, assistant] pair of strings`);
    const [user, assistant] = pair as [string, string];
    return [
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ];
  });
}

/**
 * `formatting: "sharegpt"` with `ranking: true`: `conversations` (or the `messages` column) of
 * `{from, value}` messages ending with the user's turn, then `chosen` and `rejected`, each ONE
 * message `{from: "gpt", value}`. A first message with the system tag (or a `system` column) is
 * the system prompt; `tools` is a JSON string; `images` match `<image>` placeholders.
 */
export const llamaFactorySharegptReader: FormatReader = {
  name: 'llamafactory-sharegpt',
  label: 'LLaMA-Factory sharegpt (conversations + chosen / rejected messages)',
  fit: (row) => {
    const conversation = row.conversations ?? row.messages;
    if (!looks.messages(conversation) || row.chosen === undefined || row.rejected === undefined) return 0;
    if (looks.message(row.chosen) && looks.message(row.rejected)) return 1;
    return looks.string(row.chosen) && looks.string(row.rejected) ? 0.9 : 0.3;
  },
  parse: (row, context) => parseSharegptRow(row, context),
  consumedKeys: (context) => {
    const keys = ['id', ...Object.values(sharegptColumns(context))];
    return context.columns?.messages === undefined ? [...keys, 'messages'] : keys;
  },
};

export function parseSharegptRow(row: Record<string, unknown>, context: ReadContext): ParsedRow {
  const columns = sharegptColumns(context, row);
  const tags = messageTags(context.tags);
  const list = row[columns.messages];
  if (list === undefined || list === null) {
    throw new RowError(`missing field "${columns.messages}"; sharegpt rows keep the conversation before the responses there`);
  }
  if ((row[columns.chosen] === undefined || row[columns.chosen] === null) && (row[columns.rejected] === undefined || row[columns.rejected] === null)) {
    throw new RowError(
      `the row has no "${columns.chosen}" and "${columns.rejected}"; sharegpt preference rows give the two answers as one message each, like {"from": "gpt", "value": ...} (a conversation with one answer is SFT data, not a preference)`,
    );
  }
  let prompt = readMessageList(list, columns.messages, tags).messages;
  const system = optionalText(row, columns.system);
  if (system !== '' && prompt[0]?.role !== 'system') prompt = [{ role: 'system', content: system }, ...prompt];
  const last = prompt[prompt.length - 1];
  if (last === undefined || (last.role !== 'user' && last.role !== 'tool')) {
    throw new RowError(
      `"${columns.messages}" must end with the user's (or an observation) turn that "${columns.chosen}" and "${columns.rejected}" answer; ${last === undefined ? 'it is empty' : `its last message has the role "${last.role}"`}`,
    );
  }
  const chosen = responseMessage(row[columns.chosen], columns.chosen, tags);
  const rejected = responseMessage(row[columns.rejected], columns.rejected, tags);
  return preferencePair(row, columns, prompt, chosen, rejected);
}

/** The columns both layouts read the pair, images and tools from. */
type PairColumns = Record<'chosen' | 'rejected' | 'images' | 'tools', string>;

/** Both layouts end alike: images placed at their `<image>` tokens, tools, the pair ranked [0, 1]. */
function preferencePair(row: Record<string, unknown>, columns: PairColumns, prompt: PromptMessage[], chosen: string, rejected: string): ParsedRow {
  const images = readImageSources(row[columns.images], columns.images);
  return conversationItem({
    id: readId(row),
    idPrefix: 'lf',
    prompt: placeImageTokens(prompt, images.length),
    responses: [chosen, rejected],
    ranking: [0, 1],
    images,
    tools: readTools(row[columns.tools], columns.tools),
    responseNames: [columns.chosen, columns.rejected],
  });
}

/** A sharegpt `chosen` / `rejected`: one assistant message (or, leniently, its text). */
function responseMessage(value: unknown, field: string, tags: MessageTags | undefined): string {
  if (value === undefined || value === null) {
    throw new RowError(`missing field "${field}"; sharegpt ranking rows give "chosen" and "rejected" as one message each, like {"from": "gpt", "value": ...}`);
  }
  if (typeof value === 'string') return value;
  if (!isRecord(value)) {
    throw new RowError(`field "${field}" must be one message like {"from": "gpt", "value": ...}, not ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`);
  }
  const message = readMessage(value, field, tags ?? guessTags(value));
  if (message.role !== 'assistant') {
    throw new RowError(`"${field}" is a ${message.role} message; the responses compared must be the assistant's answers`);
  }
  return contentText(message.content);
}

/** dataset_info.json `tags` as message keys and role names; undefined = guess per message. */
function messageTags(tags: Record<string, string> | undefined): MessageTags | undefined {
  if (tags === undefined || Object.keys(tags).length === 0) return undefined;
  const t = { ...DEFAULT_TAGS, ...tags };
  return {
    role: t.role_tag,
    content: t.content_tag,
    roles: {
      [t.user_tag]: 'user',
      [t.assistant_tag]: 'assistant',
      [t.observation_tag]: 'tool',
      [t.function_tag]: 'tool_call',
      [t.system_tag]: 'system',
    },
  };
}

function optionalText(row: Record<string, unknown>, field: string): string {
  const value = row[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new RowError(`field "${field}" must be text (a string)`);
  return value;
}

function isStringPair(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && value.every((entry) => typeof entry === 'string');
}
