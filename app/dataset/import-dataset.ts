import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { StoredImage } from '../media/media-store';
import type { ProjectStore } from '../store/project-store';
import { StudioError } from '../errors';
import { mapConcurrent } from './concurrent-map';
import { detectFormat, isTrlRow } from './detect-format';
import { ImageResolver } from './image-resolver';
import { ImportWriter, type ReadyRow } from './import-writer';
import { readJsonlLines } from './jsonl-lines';
import { readParquetRows } from './parquet-rows';
import { RowError, type ParsedRow } from './parsed-row';
import { parseSeedRow } from './seed-row';
import { parseTrlRow } from './trl-row';
import type { ImportFormat, ImportOptions, ImportReport, ImportRowError } from './types';

const DEFAULT_BATCH = 1000;
const MAX_REPORTED_ERRORS = 1000;
/** Images decoded at once while preparing a batch (each may be up to 50 megapixels). */
const IMAGE_CONCURRENCY = 4;

/** A row as read from the file: a value to validate, or why it could not even be read. */
interface RawRow {
  line: number;
  value?: unknown;
  error?: string;
  bytesRead: number;
}

/**
 * Imports a seed JSONL, TRL JSONL or Parquet file into the project, streaming it in batches.
 * Bad rows are reported as `file:line: reason` and skipped; good rows land; importing the same
 * file again adds nothing. The report is also stored in the `imports` table.
 */
export async function importDataset(store: ProjectStore, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const path = resolve(file);
  const format = await detectFormat(path, options.format ?? 'auto');
  const totalBytes = (await stat(path)).size;
  const annotator = (options.annotator ?? 'import').trim() || 'import';
  const split = options.split ?? 'auto';
  if (split !== 'auto' && !['train', 'val', 'test'].includes(split)) {
    throw new StudioError('invalid_input', `"${String(split)}" is not a split`, 'Use auto, train, val or test.');
  }
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  const startedAt = new Date();
  const importId = Number(
    store.db
      .prepare('INSERT INTO imports (file, format, started_at) VALUES (?, ?, ?)')
      .run(path, format, startedAt.toISOString()).lastInsertRowid,
  );
  const settings = store.splitSettings();
  const writer = new ImportWriter(store, {
    annotator,
    split,
    splitSeed: settings.seed,
    splitRatios: settings.ratios,
    sourceFile: path,
  });
  const resolver = new ImageResolver(store.dir, dirname(path));
  const errors: ImportRowError[] = [];
  let errorCount = 0;
  let bytesRead = 0;
  const label = basename(path);

  const flush = async (batch: RawRow[]): Promise<void> => {
    const ready = await mapConcurrent(batch, IMAGE_CONCURRENCY, (raw) => prepareRow(raw, format, resolver));
    for (const failure of writer.commit(ready)) {
      errorCount += 1;
      if (errors.length < MAX_REPORTED_ERRORS) {
        errors.push({ line: failure.line, reason: failure.reason, message: `${label}:${failure.line}: ${failure.reason}` });
      }
    }
    const last = batch[batch.length - 1];
    if (last !== undefined) bytesRead = last.bytesRead;
    options.onProgress?.({
      rowsRead: writer.counts.rowsRead,
      added: writer.counts.added,
      unchanged: writer.counts.unchanged,
      errors: errorCount,
      bytesRead,
      totalBytes,
    });
  };

  let batch: RawRow[] = [];
  try {
    for await (const raw of readRows(path, format, options.signal)) {
      batch.push(raw);
      if (batch.length >= batchSize) {
        await flush(batch);
        batch = [];
        if (options.signal?.aborted) break;
      }
    }
    if (options.signal?.aborted !== true && batch.length > 0) await flush(batch);
  } catch (error) {
    // Batches already committed stay; the import is marked finished without a report.
    store.db.prepare('UPDATE imports SET finished_at = ? WHERE id = ?').run(new Date().toISOString(), importId);
    throw error;
  }
  const cancelled = options.signal?.aborted === true;

  const report: ImportReport = {
    id: importId,
    file: path,
    format,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    rowsRead: writer.counts.rowsRead,
    added: writer.counts.added,
    unchanged: writer.counts.unchanged,
    labeled: writer.counts.labeled,
    relabeled: writer.counts.relabeled,
    imagesAdded: writer.counts.imagesAdded,
    errorCount,
    errors,
    cancelled,
  };
  store.db
    .prepare('UPDATE imports SET finished_at = ?, report_json = ? WHERE id = ?')
    .run(new Date().toISOString(), JSON.stringify(report), importId);
  return report;
}

/** Past imports, newest first (their reports as stored). */
export function listImports(store: ProjectStore): ImportReport[] {
  const rows = store.db
    .prepare('SELECT report_json FROM imports WHERE report_json IS NOT NULL ORDER BY id DESC')
    .all() as { report_json: string }[];
  return rows.map((row) => JSON.parse(row.report_json) as ImportReport);
}

async function* readRows(path: string, format: ImportFormat, signal: AbortSignal | undefined): AsyncGenerator<RawRow> {
  if (format === 'parquet') {
    for await (const row of readParquetRows(path, signal)) yield { line: row.line, value: row.value, bytesRead: row.bytesRead };
    return;
  }
  for await (const line of readJsonlLines(path, signal)) {
    try {
      yield { line: line.line, value: JSON.parse(line.text) as unknown, bytesRead: line.bytesRead };
    } catch {
      yield { line: line.line, error: 'malformed JSON; each line must be one complete JSON object', bytesRead: line.bytesRead };
    }
  }
}

async function prepareRow(raw: RawRow, format: ImportFormat, resolver: ImageResolver): Promise<ReadyRow> {
  if (raw.error !== undefined) return { line: raw.line, error: raw.error };
  try {
    const parsed = parseRow(raw.value, format);
    const images: StoredImage[] = [];
    for (const source of parsed.images) images.push(await resolver.resolve(source));
    const first = images[0];
    if (first !== undefined) await resolver.thumbnail(first);
    return { line: raw.line, parsed, images };
  } catch (error) {
    if (error instanceof RowError) return { line: raw.line, error: error.reason };
    throw error;
  }
}

function parseRow(value: unknown, format: ImportFormat): ParsedRow {
  if (format === 'trl') return parseTrlRow(value);
  if (format === 'parquet' && isTrlRow(value)) return parseTrlRow(value);
  return parseSeedRow(value);
}
