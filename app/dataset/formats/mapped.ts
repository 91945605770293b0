/**
 * Rows read through a column mapping given by the person (the import panel's "Map columns", the
 * CLI's `--map-*` flags): for files no reader recognises, or whose columns are named unusually.
 * It never takes part in detection (fit 0); `planImport` forces it when a mapping is given.
 *
 * What each mapped column may hold, and nothing else (anything else is refused, naming the column):
 * - prompt: text (one user turn), one message, or a message list;
 * - conversation: a message list, the whole conversation before the responses (the prompt, when
 *   also mapped, is appended to it as the last turn);
 * - system: text (a system message put first);
 * - responses: two or more columns, each text, one assistant message, or a one-message list;
 *   without a preference column they are best first (ranking [0, 1, …]);
 * - responseList: one column with a list of responses; without a preference column the item is
 *   imported unlabeled (a list says nothing about which is better);
 * - preference: see `readPreference`; when it is mapped it decides, so a row whose preference is
 *   empty is imported unlabeled (not "best first": an empty `winner` means nobody judged it);
 * - images: a path, a list of paths, `{bytes, path}` structs (HF datasets), or a list of those;
 * - id: text or a number (absent: an id is derived from the content, `mapped-…`).
 */
import { rankingProblem } from '../../store/ranking-rules';
import type { PromptMessage, Ranking } from '../../store/types';
import { contentText, conversationItem, placeImageTokens, readMessage, readMessageList, ROLE_CONTENT, FROM_VALUE } from '../conversation';
import { isRecord, kindOf, readImageSources, RowError, type ImageSource, type ParsedRow } from '../parsed-row';
import type { ColumnMapping, FormatReader, ReadContext } from './format-reader';

export const MAPPED_FORMAT = 'mapped';

/** Preference values that name the first or the second of exactly two responses. */
const FIRST_NAMES = ['left', 'a', 'first', 'model_a', 'response_a'];
const SECOND_NAMES = ['right', 'b', 'second', 'model_b', 'response_b'];
/** Preference values meaning "equally good" (Chatbot Arena writes `tie` and `tie (bothbad)`). */
const TIE_NAMES = ['tie', 'tie (bothbad)'];

export const mappedReader: FormatReader = {
  name: MAPPED_FORMAT,
  label: 'Column mapping',
  // Chosen only through a mapping: a guess must never land on it.
  fit: () => 0,
  parse: (row, context) => parseMappedRow(row, requireMapping(context)),
  consumedKeys: (context) => (context.mapping === undefined ? [] : mappedColumns(context.mapping)),
};

/** Every column the mapping names, once each. */
export function mappedColumns(mapping: ColumnMapping): string[] {
  const columns = [
    mapping.id,
    mapping.system,
    mapping.conversation,
    mapping.prompt,
    ...(mapping.responses ?? []),
    mapping.responseList,
    mapping.preference,
    mapping.images,
  ].filter((column): column is string => column !== undefined && column !== '');
  return [...new Set(columns)];
}

/** What is wrong with the mapping itself (before any row is read), or null when it can read rows. */
export function mappingProblem(mapping: ColumnMapping): string | null {
  if (mapping.prompt === undefined && mapping.conversation === undefined) {
    return 'the mapping has no prompt or conversation column; map the column with the question (or the message list before the responses)';
  }
  const responses = mapping.responses ?? [];
  if (responses.length === 0 && mapping.responseList === undefined) {
    return 'the mapping has no responses; map two or more response columns (best first), or one column holding a list of responses';
  }
  if (responses.length > 0 && mapping.responseList !== undefined) {
    return 'the mapping has both response columns and a response list column; map one or the other';
  }
  if (responses.length === 1) {
    return `only one response column ("${responses[0]}") is mapped; a preference needs at least two (e.g. chosen and rejected)`;
  }
  const seen = new Map<string, string>();
  const uses: [string, string | undefined][] = [
    ['id', mapping.id],
    ['system', mapping.system],
    ['conversation', mapping.conversation],
    ['prompt', mapping.prompt],
    ...responses.map((column, index): [string, string] => [`response ${index + 1}`, column]),
    ['response list', mapping.responseList],
    ['preference', mapping.preference],
    ['images', mapping.images],
  ];
  for (const [role, column] of uses) {
    if (column === undefined) continue;
    const earlier = seen.get(column);
    if (earlier !== undefined) return `column "${column}" is mapped twice (as ${earlier} and as ${role}); each column can hold one part`;
    seen.set(column, role);
  }
  return null;
}

function requireMapping(context: ReadContext): ColumnMapping {
  if (context.mapping === undefined) throw new RowError('the "mapped" format needs a column mapping; map the columns in the import panel or with --map-* flags');
  const problem = mappingProblem(context.mapping);
  if (problem !== null) throw new RowError(problem);
  return context.mapping;
}

export function parseMappedRow(row: Record<string, unknown>, mapping: ColumnMapping): ParsedRow {
  const inlineImages: ImageSource[] = [];
  const prompt: PromptMessage[] = [];
  if (mapping.system !== undefined) {
    const system = row[mapping.system];
    if (system !== undefined && system !== null) {
      if (typeof system !== 'string') throw new RowError(`mapped column "${mapping.system}" (system) must be text, not ${kindOf(system)}`);
      if (system.trim() !== '') prompt.push({ role: 'system', content: system });
    }
  }
  if (mapping.conversation !== undefined) {
    const value = present(row, mapping.conversation, 'conversation');
    if (!Array.isArray(value)) {
      throw new RowError(
        `mapped column "${mapping.conversation}" (conversation) must be a list of messages, not ${kindOf(value)}; map a text column as the prompt instead`,
      );
    }
    const read = readMessageList(value, mapping.conversation);
    inlineImages.push(...read.inlineImages);
    if (prompt.length > 0 && read.messages[0]?.role === 'system') {
      throw new RowError(
        `mapped column "${mapping.conversation}" (conversation) starts with its own system message and "${mapping.system}" is mapped as the system prompt too; map only one`,
      );
    }
    prompt.push(...read.messages);
  }
  if (mapping.prompt !== undefined) prompt.push(...readPrompt(present(row, mapping.prompt, 'prompt'), mapping.prompt, inlineImages));

  const { responses, names } = readResponses(row, mapping);
  const ranking =
    mapping.preference !== undefined
      ? readPreference(row[mapping.preference], mapping.preference, responses.length, mapping.responses ?? null)
      : mapping.responses !== undefined
        ? responses.map((_, index) => index)
        : null;

  const listed = mapping.images === undefined ? [] : readImageSources(row[mapping.images], mapping.images);
  if (listed.length > 0 && inlineImages.length > 0) {
    throw new RowError(`the messages name their own images and "${mapping.images}" (images) lists more; keep one of the two`);
  }
  const images = listed.length > 0 ? listed : inlineImages;
  return conversationItem({
    id: mapping.id === undefined ? null : readMappedId(row[mapping.id], mapping.id),
    idPrefix: 'mapped',
    prompt: placeImageTokens(prompt, images.length),
    responses,
    ranking,
    images,
    responseNames: names,
  });
}

/** The value of a mapped column that must be there. */
function present(row: Record<string, unknown>, column: string, part: string): unknown {
  const value = row[column];
  if (value === undefined || value === null) {
    const keys = Object.keys(row);
    const found = keys.length === 0 ? 'the row has no columns' : `the row has ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? ', …' : ''}`;
    throw new RowError(`mapped column "${column}" (${part}) is missing in this row (${found})`);
  }
  return value;
}

function readPrompt(value: unknown, column: string, inlineImages: ImageSource[]): PromptMessage[] {
  if (typeof value === 'string') {
    if (value.trim() === '') throw new RowError(`mapped column "${column}" (prompt) is empty; every row needs its question`);
    return [{ role: 'user', content: value }];
  }
  if (Array.isArray(value)) {
    const read = readMessageList(value, column);
    inlineImages.push(...read.inlineImages);
    return read.messages;
  }
  if (isRecord(value) && ('role' in value || 'from' in value)) {
    return [readMessage(value, column, 'role' in value ? ROLE_CONTENT : FROM_VALUE, inlineImages)];
  }
  throw new RowError(`mapped column "${column}" (prompt) must be text or a list of messages, not ${kindOf(value)}`);
}

function readResponses(row: Record<string, unknown>, mapping: ColumnMapping): { responses: string[]; names: string[] } {
  if (mapping.responses !== undefined) {
    const names = mapping.responses;
    return { responses: names.map((column, index) => responseText(present(row, column, `response ${index + 1}`), column)), names };
  }
  const column = mapping.responseList as string;
  const list = present(row, column, 'response list');
  if (!Array.isArray(list)) throw new RowError(`mapped column "${column}" (response list) must be a list of responses, not ${kindOf(list)}`);
  const names = list.map((_, index) => `${column}[${index}]`);
  return { responses: list.map((value: unknown, index) => responseText(value, `${column}[${index}]`)), names };
}

/** A response: text, one assistant message, or a list holding exactly one assistant message. */
function responseText(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (isRecord(single) && ('role' in single || 'from' in single)) {
    const message = readMessage(single, where, 'role' in single ? ROLE_CONTENT : FROM_VALUE);
    if (message.role !== 'assistant') throw new RowError(`mapped column "${where}" holds a ${message.role} message; a response is the assistant's`);
    return contentText(message.content);
  }
  throw new RowError(`mapped column "${where}" must be the response text (or one assistant message), not ${kindOf(value)}`);
}

/**
 * The preference column, in the spellings people write it:
 * - absent, null or "" → the row is imported unlabeled;
 * - a list of ranks, one per response, 0 = best (equal ranks are ties);
 * - an integer: the 0-based index of the preferred response (the others tie behind it);
 * - text, case-insensitive: the name of a mapped response column (e.g. "chosen", "good");
 *   with exactly two responses also left/right, a/b, first/second, model_a/model_b,
 *   response_a/response_b; and tie / "tie (bothbad)" for equally good.
 * Everything else (booleans, numbers as text, 1-based indexes past the end, other words) is
 * refused with the accepted spellings: guessing what "1" or true means would mislabel rows.
 */
export function readPreference(value: unknown, column: string, count: number, responseColumns: readonly string[] | null): Ranking | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'bigint') return preferIndex(Number(value), column, count);
  if (typeof value === 'number') return preferIndex(value, column, count);
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    const ranks = Array.from(value as ArrayLike<unknown>, (rank) => (typeof rank === 'bigint' ? Number(rank) : rank));
    const problem = rankingProblem(ranks, count, `mapped column "${column}" (preference)`);
    if (problem !== null) throw new RowError(problem);
    return ranks as number[];
  }
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    const byColumn = (responseColumns ?? []).findIndex((name) => name.toLowerCase() === word);
    if (byColumn !== -1) return preferIndex(byColumn, column, count);
    if (TIE_NAMES.includes(word)) return Array.from({ length: count }, () => 0);
    if (count === 2 && FIRST_NAMES.includes(word)) return [0, 1];
    if (count === 2 && SECOND_NAMES.includes(word)) return [1, 0];
    if (/^-?\d+$/.test(word)) {
      throw new RowError(`mapped column "${column}" (preference) has the text "${value}"; write the index as a number (0 = first response), or the column's name`);
    }
  }
  throw new RowError(`mapped column "${column}" (preference) has ${describe(value)}; ${acceptedSpellings(count, responseColumns)}`);
}

function preferIndex(index: number, column: string, count: number): Ranking {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RowError(
      `mapped column "${column}" (preference) is ${index}, not the index of one of the ${count} responses; indexes start at 0 (0 = first response)`,
    );
  }
  return Array.from({ length: count }, (_, position) => (position === index ? 0 : 1));
}

function acceptedSpellings(count: number, responseColumns: readonly string[] | null): string {
  const words = [
    ...(responseColumns === null ? [] : [`a response column's name (${responseColumns.join(', ')})`]),
    ...(count === 2 ? ['left/right, a/b, first/second, model_a/model_b'] : []),
    'tie',
    'the index of the preferred response (0 = first)',
    `a list of ${count} ranks (0 = best)`,
  ];
  return `use ${words.join(', ')}, or leave it empty for an unlabeled row`;
}

function readMappedId(value: unknown, column: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') {
    if (value.trim() === '') throw new RowError(`mapped column "${column}" (id) is empty; give every row a unique id or leave the id unmapped`);
    return value;
  }
  throw new RowError(`mapped column "${column}" (id) must be text or a number, not ${kindOf(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'boolean') return `the value ${String(value)}`;
  return kindOf(value);
}
