/**
 * `reward-studio convert`: a preference file of any format the import reads, written as seed
 * JSON Lines (the rows the seed export writes) without a project. The file is read exactly as
 * the import reads it (planImport, readItems: detection, readers, unpaired grouping, repeated
 * ids) and each item goes through the seed export writer; nothing of a project is made.
 *
 * Images: a path in the source is checked like the import checks it (it exists, stays inside the
 * data folder when relative, decodes) and written as its absolute path; embedded images
 * (Parquet bytes, HF-datasets structs) are written beside the output as images/<sha256>.<ext>
 * with that relative path, which the worker resolves from the JSONL's folder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { StudioError } from '../errors';
import { readImageFile, sha256Hex, writeOnce, type StoredImage } from '../media/media-store';
import { probeImage } from '../media/probe-image';
import { mapConcurrent } from './concurrent-map';
import { EXPORT_IMAGES_DIR, JsonRowSink, OmissionTally } from './export-dataset';
import { ImageResolver, type ImageStore } from './image-resolver';
import { planImport, readItems, resolveImages, type ImportPlan, type ReadRow } from './import-dataset';
import { groupReasons, ReasonTally } from './import-reasons';
import { RowError } from './parsed-row';
import { freshItem, labelKey, RepeatedRows, storedColumns } from './stored-row';
import type { ColumnMapping, ExportOmission, ImportReasonGroup, ImportRowError } from './types';
import { UnpairedGroups } from './unpaired-groups';
import { seedWriter } from './writers/seed';

const BATCH = 1000;
const MAX_REPORTED_ERRORS = 1000;
/** Images decoded at once (as in the import: each may be up to 50 megapixels). */
const IMAGE_CONCURRENCY = 4;
/** Whose label a file's own preference is, as in the import (it decides nothing in one file's rows). */
const ANNOTATOR = 'import';

export const UNLABELED_REASON =
  'no preference in the file (unlabeled); training needs one, so it is left out (--include-unlabeled writes it with "human_ranking": null)';

export interface ConvertOptions {
  /** 'auto' (default) ranks every reader on the first rows of each file; a reader's name forces it. */
  format?: string;
  mapping?: ColumnMapping;
  /** With a LLaMA-Factory dataset_info.json as the file: the entry to convert. */
  dataset?: string;
  /** Write items without a preference, with "human_ranking": null (the seed export's --include-unlabeled). */
  includeUnlabeled?: boolean;
  /** Every row left out, as it happens (the report keeps the first 1000). */
  onRowError?: (error: ImportRowError) => void;
  signal?: AbortSignal;
}

export interface ConvertReport {
  /** The seed JSONL written (absent when nothing could be written: no file is left then). */
  out: string;
  written: boolean;
  /** The data files read, in order (several for a split in shards). */
  files: string[];
  /** The reader that read the rows; several readers' names joined with ", " when shards differ. */
  format: string;
  rowsRead: number;
  /** Lines written, one per item. */
  items: number;
  /** Rows left out: rejected rows and (without includeUnlabeled) unlabeled items; each is in `errors`. */
  skipped: number;
  /** Of those, items left out for having no preference. */
  unlabeled: number;
  /** Rows repeating an earlier row of the same id and content (written once). */
  duplicates: number;
  /** Embedded images written beside the output. */
  imagesWritten: number;
  /** The first 1000 rows left out, in file order; `message` names the file. */
  errors: ImportRowError[];
  /** Every row left out, counted by reason, most frequent first. */
  reasons: ImportReasonGroup[];
  /** Fields the seed writer could not carry (source columns named like seed fields). */
  omissions: ExportOmission[];
  durationMs: number;
}

/**
 * Converts one file (or the shards of one split, read in order as one file) to seed JSON Lines at
 * `out`, through a temporary file beside it: `out` is the whole result, or (when no item could be
 * converted) left as it was. Throws a `bad_file` StudioError when a file cannot be read at all
 * (missing, not recognised, damaged).
 */
export async function convertDataset(files: string[], out: string, options: ConvertOptions = {}): Promise<ConvertReport> {
  const started = Date.now();
  const target = resolve(out);
  const plans: ImportPlan[] = [];
  for (const file of files) plans.push(await planImport(resolve(file), options));
  const outDir = dirname(target);
  await mkdir(outDir, { recursive: true });
  const images = new ConvertedImages(outDir);
  const repeats = new RepeatedRows();
  const tally = new ReasonTally();
  const omissions = new OmissionTally();
  const report: ConvertReport = {
    out: target,
    written: false,
    files: plans.map((plan) => plan.file),
    format: [...new Set(plans.map((plan) => plan.reader.name))].join(', '),
    rowsRead: 0,
    items: 0,
    skipped: 0,
    unlabeled: 0,
    duplicates: 0,
    imagesWritten: 0,
    errors: [],
    reasons: [],
    omissions: [],
    durationMs: 0,
  };
  const temp = join(outDir, `.${randomBytes(6).toString('hex')}.convert.tmp`);
  const sink = new JsonRowSink(temp, false);
  try {
    for (const plan of plans) {
      const label = basename(plan.file);
      const reject = (line: number, reason: string): void => {
        const error = { line, reason, message: `${label}:${line}: ${reason}` };
        tally.add(error);
        if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error);
        options.onRowError?.(error);
      };
      const resolver = new ImageResolver(images, dirname(plan.file));
      const flush = async (batch: ReadRow[]): Promise<void> => {
        const ready = await mapConcurrent(batch, IMAGE_CONCURRENCY, (row) => resolveImages(row, resolver));
        const rows: Record<string, unknown>[] = [];
        for (const row of ready) {
          if ('error' in row) {
            reject(row.line, row.error);
            continue;
          }
          const columns = storedColumns(row.parsed, row.images.map((image) => image.sha256));
          try {
            if (repeats.isRepeat(row.parsed.id, columns.contentHash, labelKey(row.parsed))) {
              report.duplicates += 1;
              continue;
            }
          } catch (error) {
            if (!(error instanceof RowError)) throw error;
            reject(row.line, error.reason);
            continue;
          }
          repeats.remember(row.parsed.id, row.line, columns.contentHash, labelKey(row.parsed));
          const item = freshItem(row.parsed, row.images, columns, ANNOTATOR);
          if (item.ranking === null && options.includeUnlabeled !== true) {
            report.unlabeled += 1;
            reject(row.line, UNLABELED_REASON);
            continue;
          }
          const result = seedWriter.rows(item, row.images.map((image) => images.pathOf(image)));
          if ('unsupported' in result) {
            reject(row.line, result.unsupported);
            continue;
          }
          for (const dropped of result.dropped) omissions.add(dropped, item.id);
          rows.push(...result.rows);
          report.items += 1;
        }
        await sink.write(rows);
      };
      const unpaired = new UnpairedGroups();
      let rowsSeen = 0;
      let batch: ReadRow[] = [];
      for await (const row of readItems(plan, unpaired, 0, options.signal)) {
        rowsSeen += 1;
        batch.push(row);
        if (batch.length >= BATCH) {
          await flush(batch);
          batch = [];
        }
      }
      if (options.signal?.aborted) throw new StudioError('cancelled', 'convert cancelled', 'Nothing was written; start it again when ready.');
      if (batch.length > 0) await flush(batch);
      report.rowsRead += rowsSeen - unpaired.counts.groups + unpaired.counts.rows;
    }
    await sink.finish();
    if (report.items > 0) {
      await rename(temp, target);
      report.written = true;
    } else {
      await unlink(temp);
    }
  } catch (error) {
    await sink.abort();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  report.skipped = tally.total;
  report.reasons = groupReasons(tally);
  report.omissions = omissions.list();
  report.imagesWritten = images.written;
  report.durationMs = Date.now() - started;
  return report;
}

/**
 * Resolved images for a converted file: files stay where they are (absolute paths), embedded
 * bytes are written once each to <out folder>/images/<sha256>.<ext>. Every image is checked as
 * the import checks it (size, format, decodes).
 */
class ConvertedImages implements ImageStore {
  written = 0;
  private readonly paths = new Map<string, string>();

  constructor(private readonly outDir: string) {}

  async addFile(full: string, label: string): Promise<StoredImage> {
    const image = await this.probed(await readImageFile(full, label), label);
    if (!this.paths.has(image.sha256)) this.paths.set(image.sha256, full);
    return image;
  }

  async addBytes(bytes: Uint8Array, label: string): Promise<StoredImage> {
    const image = await this.probed(bytes, label);
    if (!this.paths.has(image.sha256)) {
      const target = join(this.outDir, image.relPath);
      if (!existsSync(target)) {
        await writeOnce(target, bytes);
        this.written += 1;
      }
      this.paths.set(image.sha256, image.relPath);
    }
    return image;
  }

  /** The path the seed line gives the image: absolute for a file, images/… for embedded bytes. */
  pathOf(image: StoredImage): string {
    return this.paths.get(image.sha256) ?? image.relPath;
  }

  private async probed(bytes: Uint8Array, label: string): Promise<StoredImage> {
    const probed = await probeImage(bytes, label);
    const sha256 = sha256Hex(bytes);
    // Relative to the output's folder, where embedded images are written.
    return { ...probed, sha256, bytes: bytes.byteLength, relPath: `${EXPORT_IMAGES_DIR}/${sha256}.${probed.ext}` };
  }
}

/** Names a split's files start with (Hugging Face's and most repositories' spelling). */
export const SPLIT_PREFIXES = ['train', 'test', 'validation', 'val', 'dev', 'eval'] as const;
const DATA_FILE = /\.(jsonl|ndjson|json|parquet)(\.(gz|zst|zstd))?$/i;

/**
 * The data files of a dataset folder by split: files named like a split (`train.jsonl`,
 * `test-00000-of-00002.parquet`, `validation.json.gz`, `train_prefs-….parquet`), the split being
 * the name up to its first "-" or "." (lowercased), shards in name order. A folder with none at
 * its top looks in its `data/` subfolder (the Hugging Face Hub layout).
 */
export async function splitFiles(dir: string): Promise<Map<string, string[]>> {
  const found = await splitFilesIn(dir);
  if (found.size === 0 && existsSync(join(dir, 'data'))) return splitFilesIn(join(dir, 'data'));
  return found;
}

async function splitFilesIn(dir: string): Promise<Map<string, string[]>> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && DATA_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  const splits = new Map<string, string[]>();
  for (const name of names) {
    const split = (name.split(/[-.]/)[0] ?? '').toLowerCase();
    if (!SPLIT_PREFIXES.some((prefix) => split.startsWith(prefix))) continue;
    const files = splits.get(split) ?? [];
    files.push(join(dir, name));
    splits.set(split, files);
  }
  return splits;
}

/** Whether `path` is a folder (convert's folder mode), a file, or missing. */
export async function pathKind(path: string): Promise<'folder' | 'file' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
