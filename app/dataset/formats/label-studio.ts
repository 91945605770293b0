import type { Ranking } from '../../store/types';
import { conversationItem } from '../conversation';
import { isRecord, RowError, type ParsedRow, type RowJudgment } from '../parsed-row';
import type { ColumnMapping, FormatReader, ReadContext } from './format-reader';

/**
 * Label Studio tasks, as its JSON export writes them (a JSON array) or as they were imported:
 * - `data`: the task's text, a prompt-like key (`prompt`, `question`, …) and the answers, either
 *   numbered keys (`answer1`, `answer2`, …) or a `List` of `{id, body}` items (Ranker template);
 *   `context.mapping` (`prompt`, `responses`, `responseList`) names them when the guess is wrong;
 * - `annotations[]`: each person's `result[]`, where a `pairwise` result says `selected: "left"`
 *   (the first answer) or `"right"`, and a `ranker` result orders the list's ids.
 * Each annotator's answer is that annotator's judgment (`label-studio:<user id>` or their email),
 * so agreement works on them. Cancelled annotations are skipped; a task nobody annotated is
 * imported unlabeled; the task `id` becomes the item id `ls-<id>`.
 */
export const labelStudioReader: FormatReader = {
  name: 'label-studio',
  label: 'Label Studio tasks (JSON export)',
  fit: (row) => {
    if (isRecord(row.data)) {
      const found = findTexts(row.data, undefined) !== null;
      if (Array.isArray(row.annotations)) return found ? 1 : 0.7;
      return found ? 0.8 : 0.4;
    }
    // Tasks as imported into Label Studio: the data object itself, nothing else.
    const found = findTexts(row, undefined);
    if (found === null) return 0;
    const known = new Set(['id', found.promptKey, ...found.answerKeys]);
    return Object.keys(row).every((key) => known.has(key)) ? 0.6 : 0.3;
  },
  parse: (row, context) => parseLabelStudioTask(row, context),
  consumedKeys: () => CONSUMED,
};

/** Label Studio's own bookkeeping on a task; `meta` (the person's) is kept as item metadata. */
const BOOKKEEPING = [
  'id', 'data', 'annotations', 'predictions', 'drafts', 'file_upload', 'created_at', 'updated_at', 'inner_id',
  'total_annotations', 'cancelled_annotations', 'total_predictions', 'comment_count', 'unresolved_comment_count',
  'last_comment_updated_at', 'project', 'updated_by', 'comment_authors', 'annotators', 'is_labeled', 'overlap',
  'storage_filename', 'meta',
];
const PROMPT_KEYS = ['prompt', 'question', 'query', 'instruction', 'input', 'context', 'text'];
const ANSWER_KEY = /^(?:answer|response|completion|output|reply|candidate|option)[\s_-]?(\d+|[a-z])$/i;
/** Keys an imported-task row may use for its texts (consumed, so they are not repeated as metadata). */
const FLAT_KEYS = [
  ...PROMPT_KEYS,
  ...['answer', 'response', 'completion', 'output', 'reply', 'candidate', 'option'].flatMap((prefix) =>
    ['', '_', '-'].flatMap((separator) => [...'123456789abcdefgh'].map((suffix) => `${prefix}${separator}${suffix}`)),
  ),
];
const CONSUMED = [...BOOKKEEPING, ...FLAT_KEYS];

interface Texts {
  promptKey: string;
  /** One key per answer, in order (left first). */
  answerKeys: string[];
  /** A List of `{id, body}` items instead of answer keys (Ranker template). */
  listKey: string | null;
}

export function parseLabelStudioTask(row: Record<string, unknown>, context: ReadContext = {}): ParsedRow {
  const wrapped = isRecord(row.data);
  const data = wrapped ? (row.data as Record<string, unknown>) : row;
  const texts = findTexts(data, context.mapping);
  if (texts === null) {
    const keys = Object.keys(data).slice(0, 12).join(', ');
    throw new RowError(
      `no prompt and answers found in the task's data (keys: ${keys || 'none'}); name them with a mapping (prompt, responses) or use keys like "prompt", "answer1", "answer2"`,
    );
  }
  const prompt = data[texts.promptKey];
  if (typeof prompt !== 'string' || prompt.trim() === '') throw new RowError(`data "${texts.promptKey}" must be the prompt text`);
  const { responses, ids } = readResponses(data, texts);
  const judgments = wrapped ? readAnnotations(row.annotations, responses.length, ids) : [];
  const id = readTaskId(row.id);
  const item = conversationItem({
    id: id === null ? null : `ls-${id}`,
    idPrefix: 'ls',
    prompt: [{ role: 'user', content: prompt }],
    responses,
    ranking: null,
    images: [],
    ...(judgments.length > 0 ? { judgments } : {}),
    responseNames: texts.listKey === null ? texts.answerKeys : (ids ?? []).map((item) => `${texts.listKey}[${item}]`),
  });
  const metadata = taskMetadata(row, data, texts, wrapped);
  return metadata === null ? item : { ...item, metadata };
}

/** The prompt key and the answers (or the list) of a task's data, or null when they cannot be told apart. */
function findTexts(data: Record<string, unknown>, mapping: ColumnMapping | undefined): Texts | null {
  const promptKey = mapping?.prompt ?? PROMPT_KEYS.find((key) => typeof data[key] === 'string');
  if (promptKey === undefined) return null;
  if (mapping?.responses !== undefined) return { promptKey, answerKeys: mapping.responses, listKey: null };
  if (mapping?.responseList !== undefined) return { promptKey, answerKeys: [], listKey: mapping.responseList };
  const listKey = Object.keys(data).find((key) => key !== promptKey && isItemList(data[key])) ?? null;
  if (listKey !== null) return { promptKey, answerKeys: [], listKey };
  const answerKeys = Object.keys(data)
    .filter((key) => key !== promptKey && ANSWER_KEY.test(key) && typeof data[key] === 'string')
    .sort(byAnswerSuffix);
  return answerKeys.length >= 2 ? { promptKey, answerKeys, listKey: null } : null;
}

/** `answer2` before `answer10`; `answer_a` before `answer_b`. */
function byAnswerSuffix(a: string, b: string): number {
  const suffix = (key: string) => ANSWER_KEY.exec(key)?.[1] ?? '';
  const [x, y] = [suffix(a), suffix(b)];
  const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
  return numeric ? Number(x) - Number(y) : x.localeCompare(y);
}

function isItemList(value: unknown): boolean {
  return Array.isArray(value) && value.length >= 2 && value.every((item) => isRecord(item) && item.id !== undefined && itemText(item) !== null);
}

function itemText(item: Record<string, unknown>): string | null {
  for (const key of ['body', 'text', 'content', 'title']) if (typeof item[key] === 'string') return item[key] as string;
  return null;
}

function readResponses(data: Record<string, unknown>, texts: Texts): { responses: string[]; ids: string[] | null } {
  if (texts.listKey !== null) {
    const list = data[texts.listKey];
    if (!Array.isArray(list)) throw new RowError(`data "${texts.listKey}" must be a list of {"id", "body"} items`);
    const ids: string[] = [];
    const responses = list.map((item: unknown, index) => {
      const text = isRecord(item) ? itemText(item) : null;
      if (!isRecord(item) || text === null || item.id === undefined || item.id === null) {
        throw new RowError(`data "${texts.listKey}"[${index}] must be an item like {"id": "a", "body": "…"}`);
      }
      ids.push(String(item.id));
      return text;
    });
    return { responses, ids };
  }
  const responses = texts.answerKeys.map((key) => {
    const text = data[key];
    if (typeof text !== 'string') throw new RowError(`data "${key}" must be an answer's text`);
    return text;
  });
  return { responses, ids: null };
}

/** Every person's latest non-cancelled preference, one judgment each. */
function readAnnotations(value: unknown, responseCount: number, ids: string[] | null): RowJudgment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RowError('"annotations" must be a list of annotations');
  const byAnnotator = new Map<string, Ranking>();
  value.forEach((annotation: unknown, index) => {
    if (!isRecord(annotation)) throw new RowError(`annotations[${index}] must be an object with "result"`);
    if (annotation.was_cancelled === true) return;
    const results = Array.isArray(annotation.result) ? annotation.result : [];
    const preference = results.find((result: unknown) => isRecord(result) && (result.type === 'pairwise' || result.type === 'ranker'));
    if (!isRecord(preference)) return;
    const where = `annotations[${index}]`;
    const ranking =
      preference.type === 'pairwise' ? pairwiseRanking(preference.value, responseCount, where) : rankerRanking(preference.value, ids, where);
    if (ranking !== null) byAnnotator.set(annotatorName(annotation.completed_by), ranking);
  });
  return [...byAnnotator.entries()].map(([annotator, ranking]) => ({ annotator, ranking }));
}

function pairwiseRanking(value: unknown, responseCount: number, where: string): Ranking {
  if (responseCount !== 2) throw new RowError(`${where} is a pairwise choice but the task has ${responseCount} answers; pairwise compares exactly 2`);
  const selected = isRecord(value) ? value.selected : undefined;
  if (selected === 'left') return [0, 1];
  if (selected === 'right') return [1, 0];
  throw new RowError(`${where}: a pairwise result needs value.selected "left" or "right"`);
}

/**
 * A Ranker result. Without buckets it is one ordered list (`{"rank": [ids…]}`): position is rank.
 * With buckets (`{"_": [...], "good": [...], "bad": [...]}`) each bucket is a tier in the order the
 * export writes them (the labeling config's order), items in a bucket tie, and items left in `_`
 * (not placed) rank below every bucket. A result that placed nothing is no judgment.
 */
function rankerRanking(value: unknown, ids: string[] | null, where: string): Ranking | null {
  if (ids === null) throw new RowError(`${where} is a ranker result but the task's data has no list of {"id", "body"} items to rank`);
  const ranker = isRecord(value) ? value.ranker : undefined;
  if (!isRecord(ranker)) throw new RowError(`${where}: a ranker result needs value.ranker {"<name>": [ids…]}`);
  const lists = Object.entries(ranker).map(([key, list]) => {
    if (!Array.isArray(list)) throw new RowError(`${where}: value.ranker "${key}" must be a list of item ids`);
    return [key, list.map(String)] as const;
  });
  const tierOf = new Map<string, number>();
  const place = (id: string, tier: number) => {
    if (!ids.includes(id)) throw new RowError(`${where}: ranker id "${id}" is not an item of the task's list`);
    if (!tierOf.has(id)) tierOf.set(id, tier);
  };
  const buckets = lists.filter(([key]) => key !== '_');
  const singleList = buckets.length === 1 && lists.length === 1;
  if (singleList) {
    buckets[0]?.[1].forEach((id, position) => place(id, position));
    const missing = ids.filter((id) => !tierOf.has(id));
    if (missing.length > 0) throw new RowError(`${where}: the ranking leaves out item(s) ${missing.map((id) => `"${id}"`).join(', ')}`);
  } else {
    let tier = 0;
    for (const [, list] of buckets) {
      if (list.length === 0) continue;
      for (const id of list) place(id, tier);
      tier += 1;
    }
    if (tier === 0) return null;
    for (const id of ids) if (!tierOf.has(id)) tierOf.set(id, tier);
  }
  return denseRanks(ids.map((id) => tierOf.get(id) ?? 0));
}

/** Ranks renumbered 0, 1, 2… in order, ties kept (so the best is always 0). */
export function denseRanks(values: number[]): Ranking {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  return values.map((value) => distinct.indexOf(value));
}

/** `completed_by` is a user id, or (older exports) a user object with an email. */
function annotatorName(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'string') return `label-studio:${value}`;
  if (isRecord(value)) {
    if (typeof value.email === 'string' && value.email !== '') return value.email;
    if (value.id !== undefined && value.id !== null) return `label-studio:${String(value.id)}`;
  }
  return 'label-studio:unknown';
}

function readTaskId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return null;
}

/** The data keys that are not the prompt or answers, and the task's `meta`, kept with the item. */
function taskMetadata(row: Record<string, unknown>, data: Record<string, unknown>, texts: Texts, wrapped: boolean): Record<string, unknown> | null {
  const used = new Set([texts.promptKey, ...texts.answerKeys, ...(texts.listKey === null ? [] : [texts.listKey])]);
  const kept: Record<string, unknown> = {};
  if (wrapped) for (const [key, value] of Object.entries(data)) if (!used.has(key)) kept[key] = value;
  if (isRecord(row.meta) && Object.keys(row.meta).length > 0) kept.meta = row.meta;
  return Object.keys(kept).length > 0 ? kept : null;
}
