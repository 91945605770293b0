/** Import/export options and reports. Reports cross the contract boundary: plain JSON only. */
import type { Split } from '../store/types';

export type ImportFormat = 'seed' | 'trl' | 'parquet';

export interface ImportProgress {
  rowsRead: number;
  added: number;
  unchanged: number;
  errors: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions {
  /** 'auto' (default) picks from the extension and the first row. */
  format?: 'auto' | ImportFormat;
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

export interface ImportReport {
  id: number;
  file: string;
  format: ImportFormat;
  startedAt: string;
  durationMs: number;
  rowsRead: number;
  /** New items (including soft-deleted items brought back by the import). */
  added: number;
  /** Rows whose item was already in the project (or earlier in the file) with identical content. */
  unchanged: number;
  /** Judgments the file created or changed (by the import annotator). */
  labeled: number;
  /** Of those, judgments of items already in the project whose label in the file differed. */
  relabeled: number;
  /** Distinct images new to the project's media. */
  imagesAdded: number;
  errorCount: number;
  /** The first 1000 errors, in file order. */
  errors: ImportRowError[];
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
