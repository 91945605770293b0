/** Import/export options and reports. Reports cross the contract boundary: plain JSON only. */
import type { Split } from '../store/types';
import type { ColumnMapping } from './formats/format-reader';

export type { ColumnMapping };

/**
 * A reader's name (`seed`, `trl`, `llamafactory-sharegpt`, … — see formats/index.ts and
 * FORMATS.md), or `mapped` for a column mapping. `parquet` is accepted as a forced format for
 * compatibility: it means "a Parquet file, detect the rows' format".
 */
export type ImportFormat = string;

export interface ImportProgress {
  rowsRead: number;
  added: number;
  unchanged: number;
  errors: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions {
  /** 'auto' (default) ranks every reader on the first rows; a reader's name forces it. */
  format?: 'auto' | ImportFormat;
  /** Where the rows' parts are, when detection cannot place them (forces the `mapped` reader). */
  mapping?: ColumnMapping;
  /** With a LLaMA-Factory `dataset_info.json` as the file: the entry to import. */
  dataset?: string;
  /** Every rejected row, as it happens (the report keeps the first 1000): `--report FILE`. */
  onRowError?: (error: ImportRowError) => void;
  /** 'auto' (default) assigns each new item's split from its id; a split name forces it. */
  split?: 'auto' | Split;
  /** Who the file's labels are attributed to (default "import"). */
  annotator?: string;
  /** Rows per transaction (default 1000). */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface ImportRowError {
  /** 1-based line (JSONL) or row (Parquet) number. */
  line: number;
  reason: string;
  /** `file:line: reason`, ready to show. */
  message: string;
}

/** Rejected rows with the same reason (its numbers and quoted names blanked), for the grouped report. */
export interface ImportReasonGroup {
  reason: string;
  count: number;
  /** The first few line (or row) numbers. */
  lines: number[];
  /** The first full message of the group. */
  example: string;
}

export interface ImportReport {
  id: number;
  file: string;
  /** The reader that read the rows (its name), chosen by detection or forced. */
  format: ImportFormat;
  /** How the rows were held: JSON Lines, a JSON array or Parquet. */
  container?: 'jsonl' | 'json' | 'parquet';
  compression?: 'none' | 'gzip' | 'zstd';
  /** Detection's mean fit of the reader on the first rows (1 when forced). */
  confidence?: number;
  /** The LLaMA-Factory dataset_info.json entry imported, when one was named. */
  dataset?: string;
  startedAt: string;
  durationMs: number;
  rowsRead: number;
  /** New items (including soft-deleted items brought back by the import). */
  added: number;
  /** Rows whose item was already in the project (or earlier in the file) with identical content. */
  unchanged: number;
  /** Of those, rows repeating an earlier row of the same file. */
  duplicates?: number;
  /** Unpaired (KTO) rows: how many, the items they were grouped into, and those left unlabeled. */
  unpaired?: { rows: number; items: number; oneKind: number };
  /** Judgments the file created or changed (by the import annotator). */
  labeled: number;
  /** Of those, judgments of items already in the project whose label in the file differed. */
  relabeled: number;
  /** Distinct images new to the project's media. */
  imagesAdded: number;
  errorCount: number;
  /** The first 1000 errors, in file order. */
  errors: ImportRowError[];
  /** Every rejected row counted by reason, most frequent first. */
  reasons?: ImportReasonGroup[];
  /** True when the import was stopped; rows of committed batches stay in the project. */
  cancelled: boolean;
}

export type ExportFormat = 'seed' | 'trl';

export interface ExportProgress {
  items: number;
  rows: number;
}

export interface ExportOptions {
  format: ExportFormat;
  split: Split | 'all';
  /** The file to write (its folder is created; an existing file is replaced atomically). */
  out: string;
  /** 'copy': images go to `<out folder>/images/` with relative paths; 'absolute': paths into the project's media. */
  images: 'copy' | 'absolute';
  /** Seed format only: also write unlabeled items, with `"human_ranking": null`. */
  includeUnlabeled?: boolean;
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
}

export interface ExportReport {
  out: string;
  format: ExportFormat;
  split: Split | 'all';
  /** Lines written. */
  rows: number;
  /** Items that produced at least one line. */
  items: number;
  imagesCopied: number;
  skippedUnlabeled: number;
  /** TRL only: tied pairs left out (TRL has no way to say "equally good"). */
  skippedTies: number;
  /** TRL only: labeled items with no preference at all (every response tied). */
  skippedAllTied: number;
  durationMs: number;
}
