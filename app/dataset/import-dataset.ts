import { stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { StoredImage } from '../media/media-store';
import type { ProjectStore } from '../store/project-store';
import { MAX_RESPONSES_PER_ITEM } from '../store/types';
import { StudioError } from '../errors';
import { mapConcurrent } from './concurrent-map';
import { detectReader, SAMPLE_ROWS } from './detect-format';
import { isUnpaired, type FormatReader, type ReadContext, type ReaderOutput } from './formats/format-reader';
import { formatNames, readerNamed } from './formats';
import { resolveDatasetInfoEntry } from './formats/llama-factory-dataset-info';
import { ImageResolver, projectImageStore } from './image-resolver';
import { ImportWriter, type ReadyRow } from './import-writer';
import { finishImport, finishUnfinishedImports, importReports, insertImport, unfinishedImports } from './import-records';
import { groupReasons, ReasonTally } from './import-reasons';
import { isRecord, kindOf, RowError, type ParsedRow } from './parsed-row';
import { readSourceRows, sniffSource, type RawRow, type SourceKind } from './source-rows';
import type { ImportOptions, ImportReport, ImportRowError } from './types';
import { UnpairedGroups } from './unpaired-groups';

const DEFAULT_BATCH = 1000;
const MAX_REPORTED_ERRORS = 1000;
/** Images decoded at once while preparing a batch (each may be up to 50 megapixels). */
const IMAGE_CONCURRENCY = 4;

/** A row after its format module read it: an item to write, or why it cannot be one. */
export type ReadRow = { line: number; bytesRead: number; parsed: ParsedRow } | { line: number; bytesRead: number; error: string };

/** What the import will read: the file, how it is held, and the reader with its context. */
export interface ImportPlan {
  file: string;
  source: SourceKind;
  reader: FormatReader;
  context: ReadContext;
  confidence: number;
  dataset?: string;
}

/**
 * Imports a preference file of any supported format (FORMATS.md) into the project, streaming it
 * in batches. Bad rows are reported as `file:line: reason` (and counted by reason) and skipped;
 * good rows land; importing the same file again adds nothing. The report is also stored in the
 * `imports` table.
 */
export async function importDataset(store: ProjectStore, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const plan = await planImport(resolve(file), options);
  const path = plan.file;
  const totalBytes = (await stat(path)).size;
  const annotator = (options.annotator ?? 'import').trim() || 'import';
  const split = options.split ?? 'auto';
  if (split !== 'auto' && !['train', 'val', 'test'].includes(split)) {
    throw new StudioError('invalid_input', `"${String(split)}" is not a split`, 'Use auto, train, val or test.');
  }
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  markInterruptedImports(store);
  const startedAt = new Date();
  const importId = insertImport(store.db, path, plan.reader.name, startedAt.toISOString(), process.pid);
  const settings = store.splitSettings();
  const writer = new ImportWriter(store, {
    annotator,
    split,
    splitSeed: settings.seed,
    splitRatios: settings.ratios,
    sourceFile: path,
  });
  const resolver = new ImageResolver(projectImageStore(store.dir), dirname(path));
  const errors: ImportRowError[] = [];
  const tally = new ReasonTally();
  const unpaired = new UnpairedGroups();
  let bytesRead = 0;
  const label = basename(path);

  const reject = (line: number, reason: string): void => {
    const error = { line, reason, message: `${label}:${line}: ${reason}` };
    tally.add(error);
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(error);
    options.onRowError?.(error);
  };

  const flush = async (batch: ReadRow[]): Promise<void> => {
    const ready = await mapConcurrent(batch, IMAGE_CONCURRENCY, (row) => resolveImages(row, resolver));
    for (const failure of writer.commit(ready)) reject(failure.line, failure.reason);
    const last = batch[batch.length - 1];
    if (last !== undefined) bytesRead = Math.max(bytesRead, last.bytesRead);
    options.onProgress?.({
      rowsRead: writer.counts.rowsRead,
      added: writer.counts.added,
      unchanged: writer.counts.unchanged,
      errors: tally.total,
      bytesRead,
      totalBytes,
    });
  };

  let batch: ReadRow[] = [];
  const push = async (row: ReadRow): Promise<void> => {
    batch.push(row);
    if (batch.length >= batchSize) {
      await flush(batch);
      batch = [];
    }
  };
  try {
    for await (const row of readItems(plan, unpaired, totalBytes, options.signal)) await push(row);
    if (options.signal?.aborted !== true && batch.length > 0) await flush(batch);
  } catch (error) {
    // Batches already committed stay; the import is marked finished without a report.
    finishImport(store.db, importId, new Date().toISOString());
    throw error;
  }
  const cancelled = options.signal?.aborted === true;

  const report: ImportReport = {
    id: importId,
    file: path,
    format: plan.reader.name,
    container: plan.source.container,
    compression: plan.source.compression,
    confidence: plan.confidence,
    ...(plan.dataset === undefined ? {} : { dataset: plan.dataset }),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    rowsRead: writer.counts.rowsRead - unpaired.counts.groups + unpaired.counts.rows,
    added: writer.counts.added,
    unchanged: writer.counts.unchanged,
    duplicates: writer.counts.duplicates,
    ...(unpaired.counts.rows === 0 ? {} : { unpaired: { rows: unpaired.counts.rows, items: unpaired.counts.items, oneKind: unpaired.counts.oneKind } }),
    labeled: writer.counts.labeled,
    relabeled: writer.counts.relabeled,
    imagesAdded: writer.counts.imagesAdded,
    errorCount: tally.total,
    errors,
    reasons: groupReasons(tally),
    cancelled,
  };
  finishImport(store.db, importId, new Date().toISOString(), report);
  return report;
}

/** True when a process with this id exists (EPERM: it does, owned by another user). */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finishes the `imports` rows whose process died mid-import (killed, crashed) with an
 * `interrupted` report, so Past imports shows them instead of leaving them unfinished forever.
 * Rows of a process still running (another studio or CLI importing into this project) are left
 * alone; rows written before the pid column (migration 10) cannot be checked and count as dead.
 * Called when a project opens and before each import. Returns how many rows it marked.
 */
export function markInterruptedImports(store: ProjectStore, isRunning: (pid: number) => boolean = processIsRunning): number {
  const dead = unfinishedImports(store.db).filter((row) => row.pid === null || (row.pid !== process.pid && !isRunning(row.pid)));
  const reports = dead.map((row) => ({ id: row.id, report: interruptedReport(row.id, row.file, row.format, row.started_at) }));
  finishUnfinishedImports(store.db, new Date().toISOString(), reports);
  return dead.length;
}

function interruptedReport(id: number, file: string, format: string, startedAt: string): ImportReport {
  return {
    id,
    file,
    format: format as ImportReport['format'],
    startedAt,
    durationMs: 0,
    rowsRead: 0,
    added: 0,
    unchanged: 0,
    labeled: 0,
    relabeled: 0,
    imagesAdded: 0,
    errorCount: 0,
    errors: [],
    cancelled: false,
    interrupted: true,
  };
}

/** Past imports, newest first (their reports as stored). */
export function listImports(store: ProjectStore): ImportReport[] {
  return importReports(store.db);
}

/**
 * Which file, container and reader: a dataset_info.json entry names its file and columns; a
 * forced format or a mapping skips detection; otherwise the first rows rank the readers.
 */
export async function planImport(file: string, options: Pick<ImportOptions, 'format' | 'mapping' | 'dataset'>): Promise<ImportPlan> {
  if (options.dataset !== undefined) return planDatasetInfo(file, options.dataset);
  const source = await sniffSource(file);
  const requested = options.format ?? 'auto';
  if (requested === 'parquet' || (requested === 'auto' && extname(file).toLowerCase() === '.parquet')) {
    if (source.container !== 'parquet') {
      throw new StudioError('bad_file', `${file} is not a Parquet file (it does not start with "PAR1")`, 'Check the file, or import it with format "auto".');
    }
  } else if (options.mapping !== undefined) {
    return { file, source, reader: namedReader('mapped'), context: { mapping: options.mapping }, confidence: 1 };
  } else if (requested !== 'auto') {
    return { file, source, reader: namedReader(requested), context: {}, confidence: 1 };
  }
  const sample: unknown[] = [];
  let rowsSeen = 0;
  for await (const raw of readSourceRows(file, source)) {
    rowsSeen += 1;
    if (raw.value !== undefined) sample.push(raw.value);
    if (sample.length >= SAMPLE_ROWS) break;
  }
  // An empty file is not an unknown format: it imports nothing, as any reader would.
  if (rowsSeen === 0) return { file, source, reader: namedReader('seed'), context: {}, confidence: 0 };
  const guess = detectReader(file, sample);
  return { file, source, reader: guess.reader, context: {}, confidence: guess.confidence };
}

/** LLaMA-Factory's dataset_info.json: the entry's file, formatting, columns and tags (formats/llama-factory-dataset-info.ts). */
async function planDatasetInfo(file: string, dataset: string): Promise<ImportPlan> {
  const entry = await resolveDatasetInfoEntry(file, dataset);
  return {
    file: entry.file,
    source: await sniffSource(entry.file),
    reader: namedReader(entry.format),
    context: entry.context,
    confidence: 1,
    dataset,
  };
}

function namedReader(name: string): FormatReader {
  const reader = readerNamed(name);
  if (reader === undefined) {
    throw new StudioError('invalid_input', `"${name}" is not a format the studio reads`, `Use auto or one of: ${formatNames().join(', ')}.`);
  }
  return reader;
}

/**
 * Every row of the planned file through its reader, in file order: an item or why the row
 * cannot be one. Unpaired (KTO) rows are collected in `unpaired` and come last, as the items
 * they group into (not when `signal` stopped the read). Import and convert both read this way.
 */
export async function* readItems(plan: ImportPlan, unpaired: UnpairedGroups, totalBytes: number, signal?: AbortSignal): AsyncGenerator<ReadRow> {
  for await (const raw of readSourceRows(plan.file, plan.source, signal)) {
    const output = readRow(raw, plan);
    if ('unpaired' in output) unpaired.add(output.unpaired, raw.line);
    else yield output;
    if (signal?.aborted) return;
  }
  if (signal?.aborted) return;
  for (const grouped of unpaired.items()) {
    if (grouped.parsed === undefined) {
      yield { line: grouped.line, bytesRead: totalBytes, error: grouped.error ?? 'cannot be imported' };
      continue;
    }
    // Unpaired rows of one prompt can group into more responses than an item holds.
    const tooMany = responseCountProblem(grouped.parsed);
    yield tooMany === null
      ? { line: grouped.line, bytesRead: totalBytes, parsed: grouped.parsed }
      : { line: grouped.line, bytesRead: totalBytes, error: tooMany };
  }
}

/** One raw row through its format module: an item, an unpaired row to group, or the reason it fails. */
function readRow(raw: RawRow, plan: ImportPlan): ReadRow | { unpaired: Extract<ReaderOutput, { kind: 'unpaired' }> } {
  if (raw.error !== undefined) return { line: raw.line, bytesRead: raw.bytesRead, error: raw.error };
  if (!isRecord(raw.value)) {
    return { line: raw.line, bytesRead: raw.bytesRead, error: `each row must be a JSON object (${plan.reader.label}), not ${kindOf(raw.value)}` };
  }
  try {
    const output = plan.reader.parse(raw.value, plan.context);
    if (isUnpaired(output)) return { unpaired: output };
    const tooMany = responseCountProblem(output);
    if (tooMany !== null) return { line: raw.line, bytesRead: raw.bytesRead, error: tooMany };
    const metadata = leftoverColumns(raw.value, plan.reader.consumedKeys(plan.context));
    return { line: raw.line, bytesRead: raw.bytesRead, parsed: metadata === null ? output : { ...output, metadata: { ...output.metadata, ...metadata } } };
  } catch (error) {
    if (error instanceof RowError) return { line: raw.line, bytesRead: raw.bytesRead, error: error.reason };
    throw error;
  }
}

/** Why an item has more responses than Annotate can rank (MAX_RESPONSES_PER_ITEM), or null. */
export function responseCountProblem(parsed: ParsedRow): string | null {
  const count = parsed.responses.length;
  if (count <= MAX_RESPONSES_PER_ITEM) return null;
  return `the row has ${count} responses; an item holds at most ${MAX_RESPONSES_PER_ITEM} (what Annotate can rank). Split it into rows of at most ${MAX_RESPONSES_PER_ITEM} responses, or keep the best candidates`;
}

/** Columns no reader used, kept as item metadata (bytes are left out: images are stored as images). */
function leftoverColumns(row: Record<string, unknown>, consumed: readonly string[]): Record<string, unknown> | null {
  const kept: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(row)) {
    if (consumed.includes(key) || value === undefined || value instanceof Uint8Array) continue;
    kept[key] = typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
    any = true;
  }
  return any ? kept : null;
}

/** The row's images stored (the first one's thumbnail made when the store keeps them), or why they cannot be. */
export async function resolveImages(row: ReadRow, resolver: ImageResolver): Promise<ReadyRow> {
  if ('error' in row) return { line: row.line, error: row.error };
  try {
    const images: StoredImage[] = [];
    for (const source of row.parsed.images) images.push(await resolver.resolve(source));
    const first = images[0];
    if (first !== undefined) await resolver.thumbnail(first);
    return { line: row.line, parsed: row.parsed, images };
  } catch (error) {
    if (error instanceof RowError) return { line: row.line, error: error.reason };
    throw error;
  }
}
