/**
 * What a format module is: a name, how well a row fits it, and how a row becomes the canonical
 * item (app/dataset/conversation.ts). Detection asks every reader how well the first rows fit
 * and takes the best (detect-format.ts); `--format NAME` skips the guess.
 */
import type { PromptMessage } from '../../store/types';
import type { ImageSource, ParsedRow } from '../parsed-row';

/**
 * One unpaired (KTO-style) row: a completion judged good or bad on its own. Rows with the same
 * prompt are grouped into one item after the whole file is read (unpaired-groups.ts).
 */
export interface UnpairedRow {
  kind: 'unpaired';
  prompt: PromptMessage[];
  images: ImageSource[];
  completion: string;
  desirable: boolean;
  tools: unknown[] | null;
}

export type ReaderOutput = ParsedRow | UnpairedRow;

export function isUnpaired(output: ReaderOutput): output is UnpairedRow {
  return 'kind' in output && output.kind === 'unpaired';
}

/**
 * Where a row's parts are, for files no reader recognises, or to override one (the import
 * panel's mapping, the CLI's `--map-*` flags, a LLaMA-Factory dataset_info.json `columns`).
 * Each value is a column (top-level key) of the row.
 */
export interface ColumnMapping {
  /** Column with the prompt text (or a message list). */
  prompt?: string;
  /** Column with the whole conversation before the responses (a message list). */
  conversation?: string;
  /** Column with a system prompt. */
  system?: string;
  /** Columns with the responses, best first when there is no preference column (e.g. chosen, rejected). */
  responses?: string[];
  /** Column with a list of responses (instead of one column per response). */
  responseList?: string;
  /** Column with the ranking of `responseList` (0 = best) or the index of the preferred response. */
  preference?: string;
  /** Column with the image path(s) or bytes. */
  images?: string;
  /** Column with the row's id. */
  id?: string;
}

export interface ReadContext {
  /** A mapping given by the person; the `mapped` reader reads rows through it. */
  mapping?: ColumnMapping;
  /**
   * LLaMA-Factory `columns` of a dataset_info.json entry: its column names (prompt, query,
   * response, history, messages, system, tools, images, chosen, rejected, kto_tag) → the file's keys.
   */
  columns?: Record<string, string>;
  /** LLaMA-Factory `tags` of a dataset_info.json entry (role_tag, content_tag, user_tag, …). */
  tags?: Record<string, string>;
}

export interface FormatReader {
  /** What `--format` takes and the report shows (e.g. `llamafactory-sharegpt`). */
  readonly name: string;
  /** What a person reads (e.g. `LLaMA-Factory sharegpt`). */
  readonly label: string;
  /**
   * How well one row fits: 0 = not this format, 1 = every field it needs, typed as expected.
   * Cheap and never throws; used on the first rows of a file to pick the reader.
   */
  fit(row: Record<string, unknown>): number;
  /** The canonical item(s) of one row; throws RowError with what is wrong and what to do. */
  parse(row: Record<string, unknown>, context: ReadContext): ReaderOutput;
  /** Top-level keys the reader uses; the rest of a row is kept as item metadata. */
  consumedKeys(context: ReadContext): readonly string[];
}

/** Helpers for `fit`: how a value looks, without throwing. */
export const looks = {
  string: (value: unknown): boolean => typeof value === 'string',
  messages: (value: unknown): boolean =>
    Array.isArray(value) && value.length > 0 && value.every((m) => typeof m === 'object' && m !== null && ('role' in m || 'from' in m)),
  roleContent: (value: unknown): boolean =>
    Array.isArray(value) && value.length > 0 && value.every((m) => typeof m === 'object' && m !== null && 'role' in m && 'content' in m),
  fromValue: (value: unknown): boolean =>
    Array.isArray(value) && value.length > 0 && value.every((m) => typeof m === 'object' && m !== null && 'from' in m && 'value' in m),
  message: (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value) && ('from' in value || 'role' in value),
};

/** Share of `wanted` keys present in the row: the usual start of a `fit`. */
export function keyShare(row: Record<string, unknown>, wanted: readonly string[]): number {
  if (wanted.length === 0) return 0;
  return wanted.filter((key) => row[key] !== undefined && row[key] !== null).length / wanted.length;
}
