import { rankingProblem } from '../../store/ranking-rules';
import type { PromptMessage } from '../../store/types';
import { countImageParts, readMargin, readMessageList, readTools } from '../conversation';
import { JUDGMENT_FIELDS } from '../export-rows';
import { isRecord, kindOf, readId, readImageSources, RowError, type ParsedRow, type RowJudgment } from '../parsed-row';
import { keyShare, type FormatReader } from './format-reader';

/** The seed's own fields, plus the optional conversation fields the studio's export writes. */
const SEED_KEYS = ['id', 'query', 'image', 'response', 'human_ranking', 'messages', 'tools', 'margin'] as const;

/**
 * The native format (seed 000). `messages` (the conversation before the responses, TRL-style
 * messages with image parts), `tools` and `margin` are optional: plain seed readers ignore them.
 */
export const seedReader: FormatReader = {
  name: 'seed',
  label: 'Reward Studio / seed JSONL',
  fit: (row) => (Array.isArray(row.response) ? 0.5 + 0.5 * keyShare(row, ['id', 'query', 'human_ranking']) : 0.1 * keyShare(row, ['id', 'query'])),
  parse: (row) => parseSeedRow(row),
  // The per-judgment fields are read here on a per-judgment line, and kept as metadata on any other.
  consumedKeys: () => [...SEED_KEYS, ...JUDGMENT_FIELDS],
};

/**
 * Validates one row of the native (seed 000) format:
 * `{"id", "query", "image"?, "response": [..], "human_ranking"?: [..]}`.
 * `human_ranking` absent or null means the item is not labeled yet. A line with
 * `judgment_source` is one judgment of a per-judgment export (FORMATS.md): its ranking is
 * `annotator`'s judgment (or the adjudication), with its guideline version, decision and time.
 */
export function parseSeedRow(value: unknown): ParsedRow {
  if (!isRecord(value)) throw new RowError('each line must be a JSON object with id, query, response and human_ranking');
  const id = readId(value);
  if (id === null) throw new RowError('missing field "id"; every row needs a unique id');
  if (value.query === undefined || value.query === null) throw new RowError('missing field "query"; add the question asked about the image');
  if (typeof value.query !== 'string') throw new RowError(`field "query" must be a string, not ${kindOf(value.query)}`);
  const responses = readResponses(value.response);
  const ranking = value.human_ranking === undefined || value.human_ranking === null ? null : normalizeRanks(value.human_ranking);
  if (ranking !== null) {
    const problem = rankingProblem(ranking, responses.length, 'human_ranking');
    if (problem !== null) throw new RowError(problem);
  }
  const images = readImageSources(value.image, 'image');
  const row: ParsedRow = {
    id,
    query: value.query,
    prompt: readConversation(value.messages, images.length),
    images,
    responses,
    ranking: ranking as number[] | null,
    tools: readTools(value.tools),
    margin: readMargin(value.margin),
  };
  if (value.judgment_source === undefined || value.judgment_source === null) {
    // Not a per-judgment line: fields named like ours are the source's own columns, kept as metadata.
    const kept = keptColumns(value);
    return kept === null ? row : { ...row, metadata: kept };
  }
  if (row.ranking === null) throw new RowError('a line with "judgment_source" needs its "human_ranking" (the judgment\'s ranking)');
  return { ...row, ranking: null, judgments: [readJudgment(value, row.ranking)], judgmentLine: true };
}

/** The provenance of a per-judgment line (ExportOptions.judgments 'each'). */
function readJudgment(value: Record<string, unknown>, ranking: number[]): RowJudgment {
  const source = value.judgment_source;
  if (source !== 'import' && source !== 'ui' && source !== 'adjudication') {
    throw new RowError(`field "judgment_source" must be "import", "ui" or "adjudication", not ${JSON.stringify(source)}`);
  }
  if (typeof value.annotator !== 'string' || value.annotator.trim() === '') {
    throw new RowError('a line with "judgment_source" needs "annotator": the name of who judged it');
  }
  const version = typeof value.guideline_version === 'bigint' ? Number(value.guideline_version) : value.guideline_version;
  if (version !== undefined && version !== null && !(typeof version === 'number' && Number.isInteger(version) && version >= 0)) {
    throw new RowError(`field "guideline_version" must be a whole number or null, not ${JSON.stringify(version)}`);
  }
  if (value.decision !== undefined && value.decision !== null && typeof value.decision !== 'string') {
    throw new RowError(`field "decision" must be a string, not ${kindOf(value.decision)}`);
  }
  let judgedAt: string | undefined;
  if (value.judged_at !== undefined && value.judged_at !== null) {
    const time = typeof value.judged_at === 'string' ? Date.parse(value.judged_at) : Number.NaN;
    if (Number.isNaN(time)) throw new RowError(`field "judged_at" must be an ISO 8601 time, not ${JSON.stringify(value.judged_at)}`);
    judgedAt = new Date(time).toISOString();
  }
  return {
    annotator: value.annotator.trim(),
    ranking,
    ...(source === 'adjudication' ? { adjudication: true } : {}),
    guidelineVersion: (version as number | null | undefined) ?? null,
    decision: (value.decision as string | null | undefined) ?? null,
    ...(judgedAt === undefined ? {} : { judgedAt }),
  };
}

/** The per-judgment fields of a line that is not a per-judgment line: the source's own columns. */
function keptColumns(value: Record<string, unknown>): Record<string, unknown> | null {
  const kept: Record<string, unknown> = {};
  let any = false;
  for (const key of JUDGMENT_FIELDS) {
    const field = value[key];
    if (field === undefined || field instanceof Uint8Array) continue;
    kept[key] = typeof field === 'bigint' ? (Number.isSafeInteger(Number(field)) ? Number(field) : field.toString()) : field;
    any = true;
  }
  return any ? kept : null;
}

/** The optional `messages` field: the whole conversation, its image parts matching `image`. */
function readConversation(value: unknown, imageCount: number): PromptMessage[] | null {
  if (value === undefined || value === null) return null;
  const { messages } = readMessageList(value, 'messages');
  const parts = countImageParts(messages);
  if (parts !== imageCount) {
    throw new RowError(`"messages" has ${parts} image part(s) but "image" lists ${imageCount}; give one image per {"type": "image"} part`);
  }
  return messages;
}

function readResponses(value: unknown): string[] {
  if (value === undefined || value === null) throw new RowError('missing field "response"; give the candidate responses as a list');
  if (!Array.isArray(value)) throw new RowError(`field "response" must be a list of strings, not ${kindOf(value)}`);
  if (value.length < 2) {
    throw new RowError(`field "response" has ${value.length} ${value.length === 1 ? 'response' : 'responses'}; a preference needs at least 2`);
  }
  return value.map((text: unknown, index) => {
    if (typeof text !== 'string') throw new RowError(`response[${index}] must be a string, not ${kindOf(text)}`);
    if (text.trim() === '') throw new RowError(`response[${index}] is empty; every response needs text`);
    return text;
  });
}

/** Parquet INT64 columns arrive as bigint; ranks are small, so they are read as numbers. */
function normalizeRanks(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (!Array.isArray(value)) return value;
  return value.map((rank: unknown) => (typeof rank === 'bigint' ? Number(rank) : rank));
}
