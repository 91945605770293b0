/**
 * What the import panel shows before anything is written: the first rows as they are in the
 * file, which format detection would pick (and how sure it is), and the first rows as the chosen
 * reader, or the person's column mapping, would read them. Reads only the first rows, so it is
 * cheap enough to run again on every change of the mapping.
 */
import { resolve } from 'node:path';
import { StudioError } from '../errors';
import { detectReader, MIN_CONFIDENCE, rankReaders, sampleKeys, SAMPLE_ROWS, type FormatCandidate } from './detect-format';
import { FORMAT_READERS, readerNamed } from './formats';
import { isUnpaired, type ColumnMapping, type FormatReader, type ReadContext } from './formats/format-reader';
import { resolveDatasetInfoEntry } from './formats/llama-factory-dataset-info';
import { MAPPED_FORMAT, mappingProblem } from './formats/mapped';
import { isRecord, RowError } from './parsed-row';
import { readSourceRows, sniffSource, type Compression, type Container, type RawRow } from './source-rows';

/** Raw rows shown as they are in the file. */
export const PREVIEW_ROWS = 5;
/** Rows shown as the reader reads them. */
export const PARSED_PREVIEW_ROWS = 3;
/** Long text is cut here: the preview is for recognising columns, not reading answers. */
export const PREVIEW_TEXT_CHARS = 300;
const PREVIEW_LIST_ITEMS = 20;
const PREVIEW_DEPTH = 6;

export interface PreviewOptions {
  /** 'auto' (or absent) = detection; a reader's name forces it. */
  format?: string;
  /** Read the parsed preview through this mapping (the `mapped` reader). */
  mapping?: ColumnMapping;
  /** With a LLaMA-Factory dataset_info.json as the file: the entry to preview. */
  dataset?: string;
}

/** One row as it is in the file (long text cut, bytes as "<N bytes>"), or why it could not be read. */
export interface PreviewRow {
  line: number;
  value?: unknown;
  error?: string;
}

/** One row as the chosen reader reads it, or its row error. */
export interface ParsedPreviewRow {
  line: number;
  id?: string;
  /** The last user turn's text. */
  query?: string;
  /** Messages before the responses (1 for a plain question). */
  conversationLength?: number;
  responses?: string[];
  /** Rank of each response, 0 = best; null = unlabeled. */
  ranking?: number[] | null;
  images?: number;
  /** An unpaired (KTO) row: one completion judged good or bad, grouped with others at import. */
  unpaired?: { completion: string; desirable: boolean };
  error?: string;
}

export interface DatasetPreview {
  /** The file whose rows are shown (a dataset_info.json entry's data file, when one was named). */
  file: string;
  container: Container;
  compression: Compression;
  rows: PreviewRow[];
  /** Keys of the sampled rows, most common first. */
  keys: string[];
  /** What detection picks, or null when nothing fits well enough. */
  detected: FormatCandidate | null;
  /** Every reader with a non-zero fit, best first. */
  candidates: FormatCandidate[];
  /** Detection's "format not recognised" message (keys found, closest formats), or null. */
  notRecognised: string | null;
  /** The reader the parsed preview used (forced, mapped or detected), or null when none could. */
  reader: { name: string; label: string } | null;
  parsedPreview: ParsedPreviewRow[];
  /** Why the mapping cannot read rows at all (no responses mapped, …), or null. */
  mappingProblem: string | null;
  /** The chosen or detected reader's columns as a mapping: where the panel's mapping starts. */
  suggestedMapping: ColumnMapping | null;
  /** Every reader a person can force (the `mapped` reader is chosen by mapping columns instead). */
  formats: { name: string; label: string }[];
}

export async function previewDataset(file: string, options: PreviewOptions = {}): Promise<DatasetPreview> {
  let path = resolve(file);
  let entryReader: FormatReader | null = null;
  let entryContext: ReadContext = {};
  if (options.dataset !== undefined) {
    const entry = await resolveDatasetInfoEntry(path, options.dataset);
    path = entry.file;
    entryReader = namedReader(entry.format);
    entryContext = entry.context;
  }
  const source = await sniffSource(path);
  const sample: RawRow[] = [];
  for await (const raw of readSourceRows(path, source)) {
    sample.push(raw);
    if (sample.length >= SAMPLE_ROWS) break;
  }
  const objects = sample.flatMap((raw) => (isRecord(raw.value) ? [raw.value] : []));
  const candidates = rankReaders(objects);
  const best = candidates[0];
  const detected = best !== undefined && best.confidence >= MIN_CONFIDENCE ? best : null;
  // An empty file is not an unknown format: it imports nothing (planImport says the same).
  const notRecognised = detected === null && sample.length > 0 ? notRecognisedMessage(path, sample) : null;

  const requested = options.format === undefined || options.format === 'parquet' ? 'auto' : options.format;
  const mapping = options.mapping;
  const problem = mapping === undefined ? null : mappingProblem(mapping);
  let reader: FormatReader | null;
  let context: ReadContext;
  if (mapping !== undefined) {
    reader = problem === null ? namedReader(MAPPED_FORMAT) : null;
    context = { mapping };
  } else if (entryReader !== null) {
    reader = entryReader;
    context = entryContext;
  } else if (requested !== 'auto') {
    reader = namedReader(requested);
    context = {};
  } else {
    reader = detected === null ? null : namedReader(detected.name);
    context = {};
  }
  // The mapping starts from the reader that would read the file without one.
  const baseReader = entryReader ?? (requested !== 'auto' ? namedReader(requested) : detected === null ? null : namedReader(detected.name));
  const keys = sampleKeys(objects);

  return {
    file: path,
    container: source.container,
    compression: source.compression,
    rows: sample.slice(0, PREVIEW_ROWS).map(previewRow),
    keys,
    detected,
    candidates,
    notRecognised,
    reader: reader === null ? null : { name: reader.name, label: reader.label },
    parsedPreview: reader === null ? [] : sample.slice(0, PARSED_PREVIEW_ROWS).map((raw) => parsedRow(raw, reader, context)),
    mappingProblem: problem,
    suggestedMapping: baseReader === null ? null : suggestMapping(keys, baseReader.consumedKeys(entryReader === null ? {} : entryContext)),
    formats: FORMAT_READERS.filter((candidate) => candidate.name !== MAPPED_FORMAT).map(({ name, label }) => ({ name, label })),
  };
}

function namedReader(name: string): FormatReader {
  const reader = readerNamed(name);
  if (reader === undefined) {
    const names = FORMAT_READERS.map((candidate) => candidate.name).join(', ');
    throw new StudioError('invalid_input', `"${name}" is not a format the studio reads`, `Use auto or one of: ${names}.`);
  }
  return reader;
}

/** Detection's own message, so the panel, the CLI and the import say the same thing. */
function notRecognisedMessage(file: string, sample: RawRow[]): string | null {
  try {
    detectReader(file, sample.map((raw) => raw.value));
    return null;
  } catch (error) {
    if (error instanceof StudioError) return error.message;
    throw error;
  }
}

function previewRow(raw: RawRow): PreviewRow {
  return raw.error !== undefined ? { line: raw.line, error: raw.error } : { line: raw.line, value: shorten(raw.value, 0) };
}

function parsedRow(raw: RawRow, reader: FormatReader, context: ReadContext): ParsedPreviewRow {
  if (raw.error !== undefined) return { line: raw.line, error: raw.error };
  if (!isRecord(raw.value)) return { line: raw.line, error: `each row must be a JSON object (${reader.label})` };
  try {
    const output = reader.parse(raw.value, context);
    if (isUnpaired(output)) {
      return {
        line: raw.line,
        conversationLength: output.prompt.length,
        unpaired: { completion: cut(output.completion), desirable: output.desirable },
        images: output.images.length,
      };
    }
    return {
      line: raw.line,
      id: output.id,
      query: cut(output.query),
      conversationLength: output.prompt?.length ?? 1,
      responses: output.responses.map(cut),
      ranking: output.ranking,
      images: output.images.length,
    };
  } catch (error) {
    if (error instanceof RowError) return { line: raw.line, error: error.reason };
    throw error;
  }
}

function cut(text: string): string {
  return text.length > PREVIEW_TEXT_CHARS ? `${text.slice(0, PREVIEW_TEXT_CHARS)}… (${text.length} chars)` : text;
}

/** A row made small and plain-JSON for the wire: text cut, bytes named, long lists and deep nesting elided. */
export function shorten(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cut(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (ArrayBuffer.isView(value)) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  if (depth >= PREVIEW_DEPTH) return '…';
  if (Array.isArray(value)) {
    const shown = value.slice(0, PREVIEW_LIST_ITEMS).map((entry: unknown) => shorten(entry, depth + 1));
    return value.length > PREVIEW_LIST_ITEMS ? [...shown, `… ${value.length - PREVIEW_LIST_ITEMS} more`] : shown;
  }
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out[key] = shorten(entry, depth + 1);
  return out;
}

/** The usual names of each part, most specific first (TRL, seed, LLaMA-Factory, ms-swift, Arena). */
const NAMES: Record<Exclude<keyof ColumnMapping, 'responses'>, readonly string[]> = {
  id: ['id', 'uid', 'question_id'],
  system: ['system', 'system_prompt'],
  conversation: ['messages', 'conversations', 'conversation'],
  prompt: ['prompt', 'query', 'question', 'instruction'],
  responseList: ['response', 'responses', 'completions'],
  preference: ['human_ranking', 'ranking', 'preference', 'winner'],
  images: ['images', 'image'],
};
const RESPONSE_PAIRS: readonly [string, string][] = [
  ['chosen', 'rejected'],
  ['response_a', 'response_b'],
  ['response_0', 'response_1'],
];

/**
 * The reader's columns (those it consumes and the file has) placed by their usual names: where
 * the mapping starts when a person opens it on a file some reader already reads.
 */
export function suggestMapping(keys: readonly string[], consumed: readonly string[]): ColumnMapping | null {
  const usable = new Set(keys.filter((key) => consumed.includes(key)));
  const pick = (names: readonly string[]): string | undefined => names.find((name) => usable.has(name));
  const mapping: ColumnMapping = {};
  const conversation = pick(NAMES.conversation);
  if (conversation !== undefined) mapping.conversation = conversation;
  else {
    const prompt = pick(NAMES.prompt);
    if (prompt !== undefined) mapping.prompt = prompt;
  }
  const system = pick(NAMES.system);
  if (system !== undefined) mapping.system = system;
  const pair = RESPONSE_PAIRS.find(([a, b]) => usable.has(a) && usable.has(b));
  if (pair !== undefined) mapping.responses = [...pair];
  else {
    const list = pick(NAMES.responseList);
    if (list !== undefined) mapping.responseList = list;
  }
  const preference = pick(NAMES.preference);
  if (preference !== undefined) mapping.preference = preference;
  const images = pick(NAMES.images);
  if (images !== undefined) mapping.images = images;
  const id = pick(NAMES.id);
  if (id !== undefined) mapping.id = id;
  return Object.keys(mapping).length === 0 ? null : mapping;
}
