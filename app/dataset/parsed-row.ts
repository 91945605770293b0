import type { PromptMessage, Ranking } from '../store/types';

/** Where an image of a row comes from: a path as written in the file, or bytes embedded in it (Parquet). */
export type ImageSource = { kind: 'path'; path: string } | { kind: 'bytes'; bytes: Uint8Array; label: string };

/** One annotator's ranking of a row's responses (Label Studio, Argilla: one per person). */
export interface RowJudgment {
  annotator: string;
  ranking: Ranking;
  /** The item's adjudication (recorded under `annotator`) rather than their own vote. */
  adjudication?: boolean;
  /** The team guidelines version it was made under (a per-judgment seed line). */
  guidelineVersion?: number | null;
  decision?: string | null;
  /** When it was made (ISO 8601), kept as the judgment's time so the resolved ranking stays the same. */
  judgedAt?: string;
}

/**
 * One validated row of any format, before its images are resolved: the studio's canonical item.
 * Every reader maps into it (app/dataset/formats/) and every writer reads the stored form of it.
 */
export interface ParsedRow {
  id: string;
  /** The last user turn's text (what search and single-line views show). */
  query: string;
  /** The full prompt conversation when it is richer than one user turn; null otherwise. */
  prompt: PromptMessage[] | null;
  images: ImageSource[];
  responses: string[];
  /** The file's own label (attributed to the import's annotator), or null. */
  ranking: Ranking | null;
  /** Labels by named people, each its own judgment (agreement works on them); absent when none. */
  judgments?: RowJudgment[];
  /**
   * One line of a per-judgment seed export: the same item comes on several lines, each adding
   * one judgment (not a repeat, not a contradiction).
   */
  judgmentLine?: true;
  /** Tool definitions the conversation may call; absent/null when none. */
  tools?: unknown[] | null;
  /** Columns no reader consumed, kept as item metadata; absent/null when none. */
  metadata?: Record<string, unknown> | null;
  /** Per-pair margin (OpenRLHF, TRL); absent/null when none. */
  margin?: number | null;
}

/** A row that cannot be imported; `reason` says what is wrong and how to fix it. */
export class RowError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RowError';
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** How a value that has the wrong type reads in a message ("a list", "an object", "bytes", …). */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  if (isRecord(value)) return 'an object';
  return `a ${typeof value}`;
}

/** Ids may be written as numbers; they are stored as their decimal text. */
export function readId(row: Record<string, unknown>): string | null {
  const id = row.id;
  if (id === undefined || id === null) return null;
  if (typeof id === 'bigint') return id.toString();
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string') {
    if (id.trim() === '') throw new RowError('field "id" is empty; give every row a unique id');
    return id;
  }
  throw new RowError(`field "id" must be a string or a number, not ${typeof id}`);
}

/**
 * Reads an image field: a path string, a list of them, an HF-datasets image struct
 * `{bytes, path}` (bytes win when present), or a list of structs. Null/absent = no image.
 */
export function readImageSources(value: unknown, field: string): ImageSource[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry, index) => {
    const where = Array.isArray(value) ? `${field}[${index}]` : field;
    if (typeof entry === 'string') {
      if (entry.trim() === '') throw new RowError(`field "${where}" is an empty path; give the image's path or leave the field out`);
      return { kind: 'path', path: entry };
    }
    if (entry instanceof Uint8Array && entry.byteLength > 0) {
      return { kind: 'bytes', bytes: entry, label: `image "${where}" (embedded)` };
    }
    if (isRecord(entry)) {
      const { bytes, path } = entry;
      if (bytes instanceof Uint8Array && bytes.byteLength > 0) {
        const name = typeof path === 'string' && path !== '' ? path : where;
        return { kind: 'bytes', bytes, label: `image "${name}" (embedded)` };
      }
      if (typeof path === 'string' && path.trim() !== '') return { kind: 'path', path };
    }
    throw new RowError(`field "${where}" must be an image path (string)${field === 'image' ? ', a list of paths,' : ''} or {"bytes", "path"}`);
  });
}
