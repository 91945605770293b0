import { z } from 'zod';
import type { DatasetPreview } from '../dataset/preview-dataset';
import { EXPORT_CONFLICT_CHOICES, EXPORT_JUDGMENTS_CHOICES, EXPORT_FORMATS, type ExportReport, type ImportProgress, type ImportReport } from '../dataset/types';
import type { ProjectSummary } from '../store/types';
import { command, event } from './define';
import { splitName } from './items';

const filePath = z.string().trim().min(1, 'Give a file path.');
const ratio = z.number().min(0).max(1);

const column = z.string().trim().min(1).max(200);

/** Where a row's parts are, for files detection cannot place (see app/dataset/formats/mapped.ts). */
export const columnMapping = z.object({
  prompt: column.optional(),
  conversation: column.optional(),
  system: column.optional(),
  responses: z.array(column).min(2).max(16).optional(),
  responseList: column.optional(),
  preference: column.optional(),
  images: column.optional(),
  id: column.optional(),
});

export const importInput = z.object({
  file: filePath,
  /** 'auto', or a reader's name (`seed`, `trl`, `llamafactory-sharegpt`, … ; checked by the import). */
  format: z.string().trim().min(1).max(60).default('auto'),
  split: z.enum(['auto', 'train', 'val', 'test']).default('auto'),
  annotator: z.string().trim().min(1).max(100).optional(),
  mapping: columnMapping.optional(),
  /** With a LLaMA-Factory dataset_info.json as `file`: the entry to import. */
  dataset: z.string().trim().min(1).max(200).optional(),
});

/** What the import would read: the first rows, the detected format, the rows as read (dataset.preview). */
export const previewInput = z.object({
  file: filePath,
  format: z.string().trim().min(1).max(60).default('auto'),
  mapping: columnMapping.optional(),
  dataset: z.string().trim().min(1).max(200).optional(),
});

export const exportInput = z.object({
  /** A relative path is taken from the project folder. */
  out: filePath,
  /** Replace `out` if it exists; without it an existing file is refused with code `file_exists` (ask, then send again). */
  overwrite: z.boolean().default(false),
  /** FORMATS.md, "Export": seed, trl, llamafactory, ms-swift, parquet. */
  format: z.enum(EXPORT_FORMATS).default('seed'),
  split: z.enum(['train', 'val', 'test', 'all']).default('all'),
  images: z.enum(['copy', 'absolute']).default('copy'),
  includeUnlabeled: z.boolean().default(false),
  /** Unresolved conflicts (annotators disagree, no adjudication): write the latest ranking or leave them out. */
  conflicts: z.enum(EXPORT_CONFLICT_CHOICES).default('include'),
  /** Seed only: 'each' writes one line per judgment with its annotator and guideline version (FORMATS.md). */
  judgments: z.enum(EXPORT_JUDGMENTS_CHOICES).optional(),
});

/** An export's report, and the id a browser downloads it by (`${DOWNLOAD_PATH}<download>`, app/rpc/wire.ts). */
export type ExportResult = ExportReport & { download: string };

export const datasetCommands = {
  'dataset.import': command<ImportReport>()(importInput),
  /**
   * Stops the import running in the open project (there is at most one): batches already written
   * stay, and `dataset.import` resolves with `cancelled: true`. `stopped` says whether one was running.
   */
  'dataset.cancelImport': command<{ stopped: boolean }>()(z.object({})),
  /** The first rows of a file, the format detection picks, and the first rows as the reader or mapping reads them. */
  'dataset.preview': command<DatasetPreview>()(previewInput),
  /** Past imports of the open project, newest first, with their reports. */
  'dataset.imports': command<ImportReport[]>()(z.object({})),
  'dataset.export': command<ExportResult>()(exportInput),
  'dataset.resplit': command<ProjectSummary>()(
    z
      .object({ train: ratio, val: ratio, test: ratio, seed: z.string().max(100).optional() })
      .refine((r) => Math.abs(r.train + r.val + r.test - 1) < 1e-6, 'Split ratios must add up to 1.'),
  ),
};

export const datasetEvents = {
  'dataset.onImportProgress': event<ImportProgress & { file: string }>(),
  'dataset.onExportProgress': event<{ out: string; rows: number; items: number }>(),
};

export { splitName };
export type { DatasetPreview, ParsedPreviewRow, PreviewRow } from '../dataset/preview-dataset';
