import type { PromptMessage, Ranking } from '../../store/types';
import { conversationItem, readMessageList } from '../conversation';
import { isRecord, RowError, type ParsedRow, type RowJudgment } from '../parsed-row';
import type { FormatReader } from './format-reader';
import { denseRanks } from './label-studio';

/**
 * Argilla records with a ranking question, in the three shapes Argilla writes them:
 * - the server's records (and Argilla 1.x `FeedbackDataset`): `fields`, `responses[]` each
 *   `{user_id, status, values: {<question>: {value: [{"value": "response-1", "rank": 1}, …]}}}`;
 * - Argilla 2.x `records.to_json()` / `to_disk()`: `fields`, `responses: {<question>: [{value, user_id}]}`
 *   with the ranking as the option values best first (or as `{value, rank}` objects);
 * - the flattened 2.x export (`to_list(flatten=True)`, Hugging Face datasets): fields at the top
 *   level, `<question>.responses`, `<question>.responses.users`, `<question>.responses.status`.
 * The ranking's options name the response fields (Argilla's RLHF recipe: `response-1`, `response-2`);
 * the prompt is the prompt-like field left. Each submitted response is one judgment of
 * `argilla:<user_id>`; drafts and discarded responses are skipped (a response without a status,
 * as `to_json` writes it, counts as submitted). A record with no ranking yet is imported unlabeled.
 */
export const argillaReader: FormatReader = {
  name: 'argilla',
  label: 'Argilla records (ranking question)',
  fit: (row) => {
    if (isRecord(row.fields)) {
      if (Array.isArray(row.responses) || isRecord(row.responses)) return 1;
      return ['suggestions', '_server_id', 'external_id', 'vectors'].some((key) => key in row) ? 0.8 : 0.4;
    }
    const flat = Object.keys(row).some((key) => key.endsWith('.responses')) && Object.keys(row).some((key) => key.endsWith('.responses.users'));
    return flat ? 0.9 : 0;
  },
  parse: (row) => parseArgillaRecord(row),
  consumedKeys: () => ['id', 'external_id', '_server_id', 'fields', 'responses', 'suggestions', 'metadata', 'vectors', 'status', 'inserted_at', 'updated_at', 'dataset_id'],
};

interface UserResponse {
  user: string;
  status: string | null;
  /** question → value */
  values: Record<string, unknown>;
}

interface Record_ {
  id: string | null;
  fields: Record<string, unknown>;
  responses: UserResponse[];
  metadata: Record<string, unknown> | null;
}

const PROMPT_KEYS = ['prompt', 'instruction', 'question', 'query', 'input', 'text', 'context', 'conversation', 'chat'];
const RESPONSE_FIELD = /^(?:response|answer|completion|output|generation|candidate)(?:[\s_-]?(?:\d+|[a-z]))?$/i;
const SKIPPED_STATUS = new Set(['draft', 'discarded']);

export function parseArgillaRecord(row: Record<string, unknown>): ParsedRow {
  const record = isRecord(row.fields) ? nestedRecord(row) : flatRecord(row);
  const question = rankingQuestion(record);
  const options = question === null ? responseFields(record.fields) : optionsOf(record, question);
  for (const option of options) {
    if (typeof record.fields[option] !== 'string') {
      throw new RowError(`the ranking option "${option}" is not a text field of the record; name the ranking options after the response fields`);
    }
  }
  if (options.length < 2) {
    throw new RowError(
      `found ${options.length} response field(s) (${options.join(', ') || 'none'}); a ranking question needs at least two, named after the fields it ranks`,
    );
  }
  const promptKey = promptKeyOf(record.fields, options);
  const prompt = readPrompt(record.fields, promptKey);
  const judgments: RowJudgment[] = [];
  if (question !== null) {
    for (const response of record.responses) {
      if (response.status !== null && SKIPPED_STATUS.has(response.status)) continue;
      const value = response.values[question];
      if (value === undefined || value === null) continue;
      judgments.push({ annotator: `argilla:${response.user}`, ranking: readRanking(value, options, `user "${response.user}"'s "${question}"`) });
    }
  }
  const item = conversationItem({
    id: record.id === null ? null : `argilla-${record.id}`,
    idPrefix: 'argilla',
    prompt,
    responses: options.map((option) => record.fields[option] as string),
    ranking: null,
    images: [],
    ...(judgments.length > 0 ? { judgments } : {}),
    responseNames: options,
  });
  // The record's metadata and the fields that are neither the prompt nor a ranked response.
  const metadata: Record<string, unknown> = { ...(record.metadata ?? {}) };
  for (const [key, value] of Object.entries(record.fields)) if (key !== promptKey && !options.includes(key)) metadata[key] = value;
  return Object.keys(metadata).length > 0 ? { ...item, metadata } : item;
}

/** Server / 1.x (`responses[]` with `values`) and 2.x `to_json` (`responses.<question>[]`). */
function nestedRecord(row: Record<string, unknown>): Record_ {
  const responses: UserResponse[] = [];
  if (Array.isArray(row.responses)) {
    row.responses.forEach((raw: unknown, index) => {
      if (!isRecord(raw)) throw new RowError(`responses[${index}] must be an object with "user_id" and "values"`);
      const values: Record<string, unknown> = {};
      if (isRecord(raw.values)) for (const [question, answer] of Object.entries(raw.values)) values[question] = isRecord(answer) ? answer.value : answer;
      responses.push({ user: userOf(raw.user_id, index), status: typeof raw.status === 'string' ? raw.status : null, values });
    });
  } else if (isRecord(row.responses)) {
    const byUser = new Map<string, UserResponse>();
    for (const [question, list] of Object.entries(row.responses)) {
      if (!Array.isArray(list)) throw new RowError(`responses "${question}" must be a list of {"value", "user_id"}`);
      list.forEach((raw: unknown, index) => {
        if (!isRecord(raw)) throw new RowError(`responses "${question}"[${index}] must be an object with "value" and "user_id"`);
        const user = userOf(raw.user_id, index);
        const entry = byUser.get(user) ?? { user, status: null, values: {} };
        if (typeof raw.status === 'string') entry.status = raw.status;
        entry.values[question] = raw.value;
        byUser.set(user, entry);
      });
    }
    responses.push(...byUser.values());
  }
  return {
    id: recordId(row.external_id ?? row.id),
    fields: row.fields as Record<string, unknown>,
    responses,
    metadata: isRecord(row.metadata) && Object.keys(row.metadata).length > 0 ? row.metadata : null,
  };
}

/** `to_list(flatten=True)`: fields (and metadata) at the top, `<question>.responses[.users|.status]` lists. */
function flatRecord(row: Record<string, unknown>): Record_ {
  const fields: Record<string, unknown> = {};
  const byUser = new Map<string, UserResponse>();
  for (const [key, value] of Object.entries(row)) {
    if (key.endsWith('.responses')) {
      const question = key.slice(0, -'.responses'.length);
      const values = Array.isArray(value) ? value : [];
      const users = row[`${key}.users`];
      const statuses = row[`${key}.status`];
      values.forEach((answer: unknown, index) => {
        const user = userOf(Array.isArray(users) ? users[index] : undefined, index);
        const entry = byUser.get(user) ?? { user, status: null, values: {} };
        const status = Array.isArray(statuses) ? statuses[index] : undefined;
        if (typeof status === 'string') entry.status = status;
        entry.values[question] = answer;
        byUser.set(user, entry);
      });
    } else if (!/\.(responses\.users|responses\.status|suggestion|suggestion\.score|suggestion\.agent)$/.test(key) && !['id', '_server_id', 'status'].includes(key)) {
      fields[key] = value;
    }
  }
  return { id: recordId(row.id), fields, responses: [...byUser.values()], metadata: null };
}

function userOf(value: unknown, index: number): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new RowError(`response ${index + 1} has no "user_id"; each response belongs to one user`);
}

function recordId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return null;
}

/** The first question whose answers are rankings: `[{value, rank}, …]`, or option names that are fields. */
function rankingQuestion(record: Record_): string | null {
  for (const response of record.responses) {
    for (const [question, value] of Object.entries(response.values)) {
      if (!Array.isArray(value) || value.length < 2) continue;
      if (value.every((entry) => isRecord(entry) && typeof entry.value === 'string' && 'rank' in entry)) return question;
      if (value.every((entry) => typeof entry === 'string' && entry in record.fields)) return question;
    }
  }
  return null;
}

/** The ranked options, in the order of the record's fields. */
function optionsOf(record: Record_, question: string): string[] {
  const named = new Set<string>();
  for (const response of record.responses) {
    const value = response.values[question];
    if (!Array.isArray(value)) continue;
    for (const entry of value) named.add(isRecord(entry) ? String(entry.value) : String(entry));
  }
  const fieldOrder = Object.keys(record.fields);
  return [...named].sort((a, b) => rankOf(fieldOrder, a) - rankOf(fieldOrder, b));
}

function rankOf(order: string[], key: string): number {
  const index = order.indexOf(key);
  return index === -1 ? order.length : index;
}

/** Without any ranking yet: the fields named like responses (`response-1`, `answer_b`, …). */
function responseFields(fields: Record<string, unknown>): string[] {
  return Object.keys(fields).filter((key) => RESPONSE_FIELD.test(key) && typeof fields[key] === 'string');
}

function promptKeyOf(fields: Record<string, unknown>, options: string[]): string | undefined {
  const candidates = Object.keys(fields).filter((key) => !options.includes(key));
  return (
    PROMPT_KEYS.find((key) => candidates.includes(key) && (typeof fields[key] === 'string' || Array.isArray(fields[key]))) ??
    candidates.find((key) => typeof fields[key] === 'string')
  );
}

/** The prompt field: text, or a chat field (a list of {role, content} messages). */
function readPrompt(fields: Record<string, unknown>, key: string | undefined): PromptMessage[] {
  if (key === undefined) throw new RowError('the record has no prompt field besides the ranked responses; add a text field such as "prompt"');
  const value = fields[key];
  if (typeof value === 'string') return [{ role: 'user', content: value }];
  return readMessageList(value, key).messages;
}

/** `[{value, rank}]` (rank 1 = best, equal ranks tie) or option names best first → ranks per option. */
function readRanking(value: unknown, options: string[], where: string): Ranking {
  if (!Array.isArray(value)) throw new RowError(`${where} must be a list of ranked options`);
  const rankOfOption = new Map<string, number>();
  value.forEach((entry: unknown, position) => {
    if (typeof entry === 'string') {
      rankOfOption.set(entry, position);
      return;
    }
    if (!isRecord(entry) || typeof entry.value !== 'string') throw new RowError(`${where}[${position}] must be {"value": "<option>", "rank": N}`);
    const rank = entry.rank;
    if (typeof rank !== 'number' || !Number.isFinite(rank)) throw new RowError(`${where}: option "${entry.value}" has no rank`);
    rankOfOption.set(entry.value, rank);
  });
  const missing = options.filter((option) => !rankOfOption.has(option));
  if (missing.length > 0) throw new RowError(`${where} leaves out ${missing.map((option) => `"${option}"`).join(', ')}; rank every response`);
  return denseRanks(options.map((option) => rankOfOption.get(option) as number));
}
