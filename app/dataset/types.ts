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
  /**
   * True when the process running it died before it finished (killed, crashed, power lost): its
   * counts are unknown (zero here), rows of batches committed before that stay in the project.
   */
  interrupted?: boolean;
}

/**
 * What `exportDataset` writes (FORMATS.md, "Export"): `seed` (one line per item, everything the
 * studio keeps), `trl` (JSONL pairs), `llamafactory` (sharegpt ranking + dataset_info.json),
 * `ms-swift` (RM JSONL) and `parquet` (Hugging Face datasets, TRL columns, images embedded).
 */
export type ExportFormat = 'seed' | 'trl' | 'llamafactory' | 'ms-swift' | 'parquet';

export const EXPORT_FORMATS = ['seed', 'trl', 'llamafactory', 'ms-swift', 'parquet'] as const satisfies readonly ExportFormat[];

export interface ExportProgress {
  items: number;
  rows: number;
}

export interface ExportOptions {
  format: ExportFormat;
  split: Split | 'all';
  /**
   * The file to write (its folder is created). A relative path is taken from the project folder.
   * Never inside the project's internals (export-target.ts); an existing file is refused unless
   * `overwrite`, then replaced atomically. `llamafactory`: a `.jsonl` name writes JSON Lines, any
   * other a JSON array.
   */
  out: string;
  /** Replace `out` if it exists (the person confirmed it); default false. */
  overwrite?: boolean;
  /**
   * 'copy': images go to `<out folder>/images/` with relative paths; 'absolute': paths into the
   * project's media. Parquet ignores it: its images are embedded (bytes) in the file.
   */
  images: 'copy' | 'absolute';
  /** Seed format only: also write unlabeled items, with `"human_ranking": null`. */
  includeUnlabeled?: boolean;
  /**
   * Items whose annotators disagree and no reviewer adjudicated: 'include' writes the latest
   * annotator's ranking (the default), 'skip' leaves them out. Either way the report lists them.
   */
  conflicts?: ExportConflictChoice;
  /**
   * 'resolved' (default): one row per item with its resolved ranking. 'each' (seed only): one
   * line per judgment of each item — every annotator's own and the adjudication, by judgment id —
   * with `annotator`, `judgment_source`, `guideline_version`, `judged_at` and `decision` (FORMATS.md).
   * `conflicts` does not apply to 'each': every judgment is written.
   */
  judgments?: ExportJudgmentsChoice;
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
}

export const EXPORT_CONFLICT_CHOICES = ['include', 'skip'] as const;
export type ExportConflictChoice = (typeof EXPORT_CONFLICT_CHOICES)[number];

export const EXPORT_JUDGMENTS_CHOICES = ['resolved', 'each'] as const;
export type ExportJudgmentsChoice = (typeof EXPORT_JUDGMENTS_CHOICES)[number];

/** Unresolved conflicts met by an export: how many, a few ids to look at, and what was done. */
export interface ExportConflicts {
  items: number;
  examples: string[];
  /**
   * What was done with them; 'each' when the conflicts option did not apply (a per-judgment
   * export writes every judgment of these items, whatever was asked).
   */
  choice: ExportConflictChoice | 'each';
}

/** Something the format could not carry: whole items left out, or one field left out of their rows. */
export interface ExportOmission {
  /** `item` when the items were left out; otherwise the field left out (`margin`, `tools`, `metadata`). */
  what: string;
  /** Why, in words a person can act on. */
  reason: string;
  items: number;
  /** The first few item ids. */
  examples: string[];
}

export interface ExportReport {
  out: string;
  format: ExportFormat;
  split: Split | 'all';
  /** One row per item ('resolved') or one line per judgment ('each', seed only). */
  judgments: ExportJudgmentsChoice;
  /** Rows written (lines, array entries or Parquet rows); with 'each', one per judgment written. */
  rows: number;
  /** Items that produced at least one row. */
  items: number;
  imagesCopied: number;
  /** Parquet: images written into the file as bytes. */
  imagesEmbedded: number;
  skippedUnlabeled: number;
  /** Pair formats (all but seed): tied pairs left out (they have no way to say "equally good"). */
  skippedTies: number;
  /** Pair formats: labeled items with no preference at all (every response tied). */
  skippedAllTied: number;
  /** Items left out because the format cannot carry their content (see `omissions`). */
  skippedUnsupported: number;
  /** Labeled items whose annotators disagree with no adjudication (see ExportOptions.conflicts). */
  conflicts: ExportConflicts;
  /** What was left out besides ties and unlabeled items, and why. */
  omissions: ExportOmission[];
  /** Copy mode: the images/ folder beside the file that its rows point into (absent when none do). */
  imagesDir?: string;
  /** `llamafactory`: the dataset_info.json written beside the file, and the entry's name. */
  datasetInfo?: { file: string; name: string };
  durationMs: number;
}
