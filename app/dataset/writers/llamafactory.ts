/**
 * LLaMA-Factory's sharegpt ranking format (what `llamafactory-cli` trains reward models on):
 * `conversations` of `{from, value}` turns ending on a human (or observation) turn, `chosen` and
 * `rejected` as one `gpt` message each, `system`, `tools` (JSON text) and `images` as columns,
 * `<image>` where each image stands. A `dataset_info.json` beside the file registers it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StudioError } from '../../errors';
import { orderedPairs, promptMessages, storedTools } from '../export-rows';
import type { PromptMessage } from '../../store/types';
import { droppedMetadata, taggedText, type DroppedField, type FormatWriter } from './format-writer';

/** Canonical role → sharegpt `from` (LLaMA-Factory's default tags). */
const SHAREGPT_ROLE: Record<string, string> = { user: 'human', assistant: 'gpt', tool_call: 'function_call', tool: 'observation' };

/** Turns LLaMA-Factory accepts at even (human side) and odd (model side) positions after the system prompt. */
const HUMAN_SIDE = new Set(['user', 'tool']);
const MODEL_SIDE = new Set(['assistant', 'tool_call']);

export interface SharegptMessage {
  from: string;
  value: string;
}

export interface SharegptRow {
  id: string;
  conversations: SharegptMessage[];
  chosen: SharegptMessage;
  rejected: SharegptMessage;
  system?: string;
  tools?: string;
  images?: string[];
}

export const llamaFactoryWriter: FormatWriter = {
  container: (out) => (extname(out).toLowerCase() === '.jsonl' ? 'jsonl' : 'json'),
  writesUnlabeled: false,
  rows: (item, imagePaths) => {
    const shaped = sharegptConversation(promptMessages(item, imagePaths.length));
    if ('unsupported' in shaped) return shaped;
    const { pairs, ties } = orderedPairs(item);
    const tools = storedTools(item);
    const rows = pairs.map((pair): SharegptRow => {
      const row: SharegptRow = {
        id: pair.id,
        conversations: shaped.conversations,
        chosen: { from: 'gpt', value: item.responses[pair.chosen] ?? '' },
        rejected: { from: 'gpt', value: item.responses[pair.rejected] ?? '' },
      };
      if (shaped.system !== undefined) row.system = shaped.system;
      if (tools !== null) row.tools = JSON.stringify(tools);
      if (imagePaths.length > 0) row.images = imagePaths;
      return row;
    });
    const dropped: DroppedField[] = [...droppedMetadata(item, 'LLaMA-Factory')];
    if (item.margin !== null) dropped.push({ what: 'margin', reason: 'LLaMA-Factory ranking data has no margin column' });
    return { rows: rows as unknown as Record<string, unknown>[], ties, dropped };
  },
};

/**
 * The prompt as LLaMA-Factory reads it: a leading system message becomes the `system` column;
 * the rest must alternate human/observation and gpt/function_call turns and end on the human
 * side (LLaMA-Factory drops other rows with "Invalid role tag"), so such items are left out.
 */
export function sharegptConversation(prompt: PromptMessage[]): { conversations: SharegptMessage[]; system?: string } | { unsupported: string } {
  const first = prompt[0];
  const hasSystem = first !== undefined && first.role === 'system';
  const turns = hasSystem ? prompt.slice(1) : prompt;
  for (let index = 0; index < turns.length; index++) {
    const role = (turns[index] as PromptMessage).role;
    if (role === 'system') return { unsupported: 'a system message after the first turn (LLaMA-Factory has one system prompt per row)' };
    const expected = index % 2 === 0 ? HUMAN_SIDE : MODEL_SIDE;
    if (!expected.has(role)) {
      return {
        unsupported:
          'turns that do not alternate human/observation and gpt/function_call (e.g. parallel tool calls), which LLaMA-Factory rejects',
      };
    }
  }
  if (turns.length % 2 === 0) return { unsupported: 'a prompt that does not end on a user (or tool result) turn' };
  const conversations = turns.map((message) => ({ from: SHAREGPT_ROLE[message.role] ?? message.role, value: taggedText(message.content) }));
  if (!hasSystem) return { conversations };
  if (typeof first.content !== 'string' && first.content.some((part) => part.type === 'image')) {
    return { unsupported: 'an image in the system message (LLaMA-Factory\'s system prompt is text)' };
  }
  return { conversations, system: taggedText(first.content) };
}

/** The dataset_info.json entry that makes `llamafactory-cli` find the exported file. */
export interface DatasetInfoEntry {
  file_name: string;
  formatting: 'sharegpt';
  ranking: true;
  columns: Record<string, string>;
}

export function datasetInfoFile(out: string): string {
  return join(dirname(out), 'dataset_info.json');
}

/** The entry's name: the exported file's name without its extension (`prefs.json` → `prefs`). */
export function datasetInfoName(out: string): string {
  const name = basename(out);
  const extension = extname(name);
  return extension === '' ? name : name.slice(0, -extension.length);
}

/** The registry already beside the file (empty when there is none); refuses one it cannot read, before anything is written. */
export async function readDatasetInfo(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new StudioError(
      'bad_file',
      `${file} exists but is not valid JSON (${error instanceof Error ? error.message : String(error)}); the export would have to overwrite it`,
      'Fix or move that dataset_info.json, or export into another folder.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StudioError('bad_file', `${file} is not a dataset_info.json (not a JSON object)`, 'Move it away, or export into another folder.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Adds (or replaces) the export's entry, keeping every other entry as it was. Only the columns
 * some row has are named: LLaMA-Factory reads a named column from every row.
 */
export async function writeDatasetInfo(out: string, columns: { system: boolean; tools: boolean; images: boolean }): Promise<{ file: string; name: string }> {
  const file = datasetInfoFile(out);
  const registry = await readDatasetInfo(file);
  const name = datasetInfoName(out);
  const entry: DatasetInfoEntry = {
    file_name: basename(out),
    formatting: 'sharegpt',
    ranking: true,
    columns: {
      messages: 'conversations',
      chosen: 'chosen',
      rejected: 'rejected',
      ...(columns.system ? { system: 'system' } : {}),
      ...(columns.tools ? { tools: 'tools' } : {}),
      ...(columns.images ? { images: 'images' } : {}),
    },
  };
  const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.dataset_info.tmp`);
  await writeFile(temp, `${JSON.stringify({ ...registry, [name]: entry }, null, 2)}\n`);
  await rename(temp, file);
  return { file, name };
}
